import { Injectable } from '@nestjs/common';
import { SimConfigStore } from '../config/sim-config.store';
import { StoredMessage } from '../inbox/sim-message';
import { Prng } from '../random/prng';
import { SimScheduler } from '../timing/sim-scheduler';
import { TwilioWebhookFactory } from '../webhooks/twilio-webhook';
import { WebhookSender } from '../webhooks/webhook-sender';
import { SmsFate } from './sms-fate';
import { SmsCallbackContext, SmsStatus, smsStatusCallbackParams } from './sms-status-callback';

/**
 * An accepted SMS after the 201: `sent` then its terminal status (only `failed` when it never
 * left), each recorded on the message and, with a StatusCallback, posted there signed. An
 * out-of-order fate posts the terminal status first, as Twilio sometimes does.
 */
@Injectable()
export class SmsLifecycle {
  constructor(
    private readonly scheduler: SimScheduler,
    private readonly config: SimConfigStore,
    private readonly webhooks: TwilioWebhookFactory,
    private readonly sender: WebhookSender,
  ) {}

  start(message: StoredMessage, fate: SmsFate, context: SmsCallbackContext, prng: Prng): void {
    const statuses = statusSequence(fate, context);
    this.scheduler.spawn(`sms ${message.id}`, async (token) => {
      for (const status of statuses) {
        const { min, max } = this.config.current.callbackDelayMs;
        await this.scheduler.sleep(prng.between(min, max), token);
        const at = new Date();
        const errorCode = status === fate.status ? fate.errorCode : undefined;
        message.statuses?.push(status, at, errorCode);
        if (status === fate.status) {
          message.outcome = status;
          if (errorCode !== undefined) message.errorCode = errorCode;
        }
        if (message.statusCallback === undefined) continue;
        const draft = this.webhooks.form(
          'sms',
          message.statusCallback,
          () => `sms status ${status} ${message.id}`,
          () => smsStatusCallbackParams(message, context, status, at, errorCode),
        );
        await this.sender.deliver(draft, token);
      }
    });
  }
}

function statusSequence(fate: SmsFate, context: SmsCallbackContext): SmsStatus[] {
  // With a Messaging Service the create answers `accepted`, and `queued` is reported later.
  const queued: SmsStatus[] = context.messagingServiceSid !== undefined ? ['queued'] : [];
  if (fate.status === 'failed') return [...queued, 'failed'];
  return fate.outOfOrder ? [...queued, fate.status, 'sent'] : [...queued, 'sent', fate.status];
}
