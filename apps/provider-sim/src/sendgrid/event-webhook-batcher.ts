import { Injectable } from '@nestjs/common';
import { SimConfigStore } from '../config/sim-config.store';
import { SimScheduler } from '../timing/sim-scheduler';
import { sendGridRetryPolicy } from '../webhooks/callback-retry';
import { ATTEMPT_TIMEOUT_MS, WebhookSender } from '../webhooks/webhook-sender';
import { EmailEventJson, eventWebhookBody } from './email-events';
import { signEventWebhook } from './event-webhook-signature';

/**
 * Collects e-mail events of all requests and posts them in batches to the account's Event
 * Webhook URL, as SendGrid does: a batch leaves when it is full (eventBatchSize) or when its
 * first event has waited eventBatchWindowMs. Without a configured URL events are not posted.
 */
@Injectable()
export class EventWebhookBatcher {
  private buffer: EmailEventJson[] = [];
  /** The pending flush, if one is armed; a token so a cancelled flush cannot disarm a newer one. */
  private armedFlush: object | undefined;

  constructor(
    private readonly scheduler: SimScheduler,
    private readonly config: SimConfigStore,
    private readonly sender: WebhookSender,
  ) {}

  enqueue(events: EmailEventJson[]): void {
    if (this.config.current.sendgridEventWebhookUrl === null || events.length === 0) return;
    this.buffer.push(...events);
    const { eventBatchSize, eventBatchWindowMs } = this.config.current.email;
    while (this.buffer.length >= eventBatchSize) this.post(this.buffer.splice(0, eventBatchSize));
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
      while (this.buffer.length > 0) this.post(this.buffer.splice(0, size));
    });
  }

  reset(): void {
    this.buffer = [];
    this.armedFlush = undefined;
  }

  private post(events: EmailEventJson[]): void {
    // A batch waits for its receiver as its body, one string, not as the events' array (ADR 0049).
    const body = eventWebhookBody(events);
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
