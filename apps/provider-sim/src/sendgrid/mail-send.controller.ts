import { Body, Controller, Post, Res, UseGuards } from '@nestjs/common';
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
export class MailSendController {
  constructor(private readonly mailSend: MailSendService) {}

  /** 202 with an empty body and X-Message-Id; 200 in sandbox mode. The status varies, hence @Res. */
  @Post('send')
  send(@Body() body: unknown, @Res() reply: EmptyReply): void {
    const outcome = this.mailSend.send(body);
    reply.setHeader('X-Message-Id', outcome.messageId);
    reply.status(outcome.sandbox ? 200 : 202).end();
  }
}
