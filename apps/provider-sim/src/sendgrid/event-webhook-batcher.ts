import { Injectable } from '@nestjs/common';
import { SimConfigStore } from '../config/sim-config.store';
import { SimScheduler } from '../timing/sim-scheduler';
import { sendGridRetryPolicy } from '../webhooks/callback-retry';
import { ATTEMPT_TIMEOUT_MS, WebhookSender } from '../webhooks/webhook-sender';
import { PendingEmailEvents } from './email-events';
import { signEventWebhook } from './event-webhook-signature';

/**
 * Collects e-mail events of all requests and posts them in batches to the account's Event
 * Webhook URL, as SendGrid does: a batch leaves when it is full (eventBatchSize) or when its
 * first event has waited eventBatchWindowMs. Without a configured URL events are not posted.
 */
@Injectable()
export class EventWebhookBatcher {
  private buffer = new PendingEmailEvents();
  /** The pending flush, if one is armed; a token so a cancelled flush cannot disarm a newer one. */
  private armedFlush: object | undefined;

  constructor(
    private readonly scheduler: SimScheduler,
    private readonly config: SimConfigStore,
    private readonly sender: WebhookSender,
  ) {}

  enqueue(events: PendingEmailEvents): void {
    if (this.config.current.sendgridEventWebhookUrl === null || events.length === 0) return;
    this.buffer.append(events);
    const { eventBatchSize, eventBatchWindowMs } = this.config.current.email;
    while (this.buffer.length >= eventBatchSize) this.post(this.buffer.take(eventBatchSize));
    if (this.buffer.length === 0 || this.armedFlush !== undefined) return;
    const flush = {};
    this.armedFlush = flush;
    this.scheduler.spawn('email event batch', async (token) => {
      try {
        await this.scheduler.sleep(eventBatchWindowMs, token);
      } finally {
        if (this.armedFlush === flush) this.armedFlush = undefined;
      }
      const size = this.config.current.email.eventBatchSize;
      while (this.buffer.length > 0) this.post(this.buffer.take(size));
    });
  }

  reset(): void {
    this.buffer = new PendingEmailEvents();
    this.armedFlush = undefined;
  }

  private post(events: PendingEmailEvents): void {
    // A batch waits for its receiver as its events unwritten, ~16 bytes each plus their recipients'
    // sources, and is written when its POST goes out (ADR 0056).
    const count = events.length;
    this.scheduler.spawn('email event post', async (token) => {
      const url = this.config.current.sendgridEventWebhookUrl;
      if (url === null) return;
      await this.sender.deliver(
        {
          url,
          // Signed when the batch's POST goes out, as SendGrid signs it then.
          build: () => {
            const { sendgrid, timeScale } = this.config.current.callbackRetry;
            const body = events.body();
            return {
              kind: 'email',
              label: `email events ×${count}`,
              url,
              body,
              headers: { 'Content-Type': 'application/json', 'User-Agent': 'SendGrid Event API', ...signEventWebhook(body, new Date()) },
              events: count,
              retry: sendGridRetryPolicy(sendgrid, timeScale, ATTEMPT_TIMEOUT_MS),
            };
          },
        },
        token,
      );
    });
  }
}
