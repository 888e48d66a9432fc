import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { TRACKER_WEBHOOK_PATHS } from '@bin-alert/providers';
import { ZodBodyPipe } from '@bin-alert/platform';
import { sendGridObservation, StatusEventPublisher, SendGridEvent, sendGridEventBatch, sendGridEventBatchAsIs } from '@bin-alert/tracking';
import { SendGridSignatureGuard } from './signature-guards';

/** SendGrid's Signed Event Webhook: a JSON array of events, verified on the raw body. */
@Controller()
export class SendGridWebhooksController {
  constructor(private readonly events: StatusEventPublisher) {}

  @Post(TRACKER_WEBHOOK_PATHS.sendGridEvents)
  @HttpCode(200)
  @UseGuards(SendGridSignatureGuard)
  async eventWebhook(@Body(new ZodBodyPipe(sendGridEventBatch, sendGridEventBatchAsIs)) batch: SendGridEvent[]): Promise<void> {
    await this.events.publish(batch.map(sendGridObservation));
  }
}
