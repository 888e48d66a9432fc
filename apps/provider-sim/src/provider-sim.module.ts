import { DynamicModule, Module } from '@nestjs/common';
import { InspectionController } from './inbox/inspection.controller';
import { MessageStore } from './inbox/message-store';
import { MailSendController } from './sendgrid/mail-send.controller';
import { MailSendService } from './sendgrid/mail-send.service';
import { SendGridBearerAuthGuard } from './sendgrid/sendgrid-bearer-auth.guard';
import { SimCredentials } from './sim-credentials';
import { TwilioCallsService } from './twilio/calls.service';
import { TwilioMessagesService } from './twilio/messages.service';
import { TwilioBasicAuthGuard } from './twilio/twilio-basic-auth.guard';
import { TwilioController } from './twilio/twilio.controller';

/** Twilio's and SendGrid's HTTP APIs, as far as the official SDKs use them, plus an inbox to inspect. */
@Module({})
export class ProviderSimModule {
  static forRoot(credentials: SimCredentials): DynamicModule {
    return {
      module: ProviderSimModule,
      controllers: [TwilioController, MailSendController, InspectionController],
      providers: [
        { provide: SimCredentials, useValue: credentials },
        MessageStore,
        TwilioMessagesService,
        TwilioCallsService,
        TwilioBasicAuthGuard,
        MailSendService,
        SendGridBearerAuthGuard,
      ],
      exports: [MessageStore],
    };
  }
}
