import { DynamicModule, Module } from '@nestjs/common';
import { ObservabilityModule } from '@bin-alert/platform';
import { SimConfig } from './config/sim-config';
import { SimConfigStore, StartupSimConfig } from './config/sim-config.store';
import { ConfigController } from './control/config.controller';
import { SimControl } from './control/sim-control';
import { InspectionController } from './inbox/inspection.controller';
import { MessageStore } from './inbox/message-store';
import { PhonesController } from './inbox/phones.controller';
import { SimRandom } from './random/sim-random';
import { EmailLifecycle } from './sendgrid/email-lifecycle';
import { EventWebhookBatcher } from './sendgrid/event-webhook-batcher';
import { MailSendService } from './sendgrid/mail-send.service';
import { SimCredentials } from './sim-credentials';
import { SimStats } from './stats/sim-stats';
import { StatsController } from './stats/stats.controller';
import { SimScheduler } from './timing/sim-scheduler';
import { ProviderFrontDoor } from './traffic/provider-front-door';
import { ProviderTraffic } from './traffic/provider-traffic';
import { TrafficGate } from './traffic/traffic-gate';
import { CallLifecycle } from './twilio/call-lifecycle';
import { TwilioCallsService } from './twilio/calls.service';
import { TwilioResourceListing } from './twilio/resource-listing';
import { InboundSmsController } from './twilio/inbound-sms.controller';
import { InboundSmsService } from './twilio/inbound-sms.service';
import { TwilioMessagesService } from './twilio/messages.service';
import { OptOutRegistry } from './twilio/opt-out-registry';
import { RedialMemory } from './twilio/redial-memory';
import { SmsLifecycle } from './twilio/sms-lifecycle';
import { TwilioBasicAuthGuard } from './twilio/twilio-basic-auth.guard';
import { TwilioRefusals } from './twilio/twilio-refusals';
import { TwilioController } from './twilio/twilio.controller';
import { TwilioWebhookFactory } from './webhooks/twilio-webhook';
import { WebhookSender } from './webhooks/webhook-sender';

/**
 * Twilio's and SendGrid's HTTP APIs, as far as the official SDKs use them, the signed callbacks
 * and events they send back, and the /__sim API to inspect what was received and inject faults.
 */
@Module({})
export class ProviderSimModule {
  static forRoot(credentials: SimCredentials, config: SimConfig): DynamicModule {
    return {
      module: ProviderSimModule,
      // /metrics and /health like every app; it depends on nothing, so it is ready once it listens.
      imports: [
        ObservabilityModule.forRoot({
          app: 'provider-sim',
          // It stands for remote providers: its log lines need no correlation, and the context's
          // promise hook would cost it CPU on every message (ADR 0069).
          workContext: false,
        }),
      ],
      controllers: [TwilioController, InspectionController, ConfigController, StatsController, InboundSmsController, PhonesController],
      providers: [
        { provide: SimCredentials, useValue: credentials },
        { provide: StartupSimConfig, useValue: new StartupSimConfig(config) },
        SimConfigStore,
        SimControl,
        SimRandom,
        SimScheduler,
        SimStats,
        MessageStore,
        TrafficGate,
        ProviderTraffic,
        ProviderFrontDoor,
        WebhookSender,
        TwilioWebhookFactory,
        TwilioRefusals,
        OptOutRegistry,
        RedialMemory,
        TwilioMessagesService,
        SmsLifecycle,
        TwilioCallsService,
        TwilioResourceListing,
        CallLifecycle,
        InboundSmsService,
        TwilioBasicAuthGuard,
        MailSendService,
        EmailLifecycle,
        EventWebhookBatcher,
      ],
      exports: [MessageStore, SimConfigStore, SimControl, ProviderFrontDoor],
    };
  }
}
