import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { SimRequestError } from '../sim-request.error';
import { inboundSmsRequestSchema } from './inbound-sms.request';
import { InboundSmsResult, InboundSmsService } from './inbound-sms.service';

/** Lets a test or demo play the member's phone: replies, STOP and START. */
@Controller('__sim')
export class InboundSmsController {
  constructor(private readonly inbound: InboundSmsService) {}

  @Post('inbound-sms')
  @HttpCode(200)
  receive(@Body() body: unknown): Promise<InboundSmsResult> {
    const parsed = inboundSmsRequestSchema.safeParse(body);
    if (!parsed.success) {
      throw new SimRequestError(
        parsed.error.issues.map((issue) => ({ field: issue.path.join('.') || 'body', reason: issue.message })),
        'The inbound SMS is invalid.',
      );
    }
    return this.inbound.receive(parsed.data);
  }
}
