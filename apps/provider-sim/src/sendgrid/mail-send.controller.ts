import { Body, Controller, Post, Res, UseGuards, UseInterceptors } from '@nestjs/common';
import { ProviderTrafficInterceptor } from '../traffic/provider-traffic.interceptor';
import { SimulatedApi } from '../traffic/simulated-api.decorator';
import { MailSendService } from './mail-send.service';
import { SendGridBearerAuthGuard } from './sendgrid-bearer-auth.guard';

/** The bit of Express's response used here (the project has no @types/express). */
interface EmptyReply {
  status(code: number): EmptyReply;
  setHeader(name: string, value: string): unknown;
  end(): unknown;
}

@Controller('v3/mail')
@UseGuards(SendGridBearerAuthGuard)
@UseInterceptors(ProviderTrafficInterceptor)
export class MailSendController {
  constructor(private readonly mailSend: MailSendService) {}

  /** 202 with an empty body and X-Message-Id; 200 in sandbox mode. The status varies, hence @Res. */
  @Post('send')
  @SimulatedApi('sendgridMail')
  send(@Body() body: unknown, @Res() reply: EmptyReply): void {
    const outcome = this.mailSend.send(body);
    reply.setHeader('X-Message-Id', outcome.messageId);
    reply.status(outcome.sandbox ? 200 : 202).end();
  }
}
