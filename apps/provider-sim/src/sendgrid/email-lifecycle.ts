import { Injectable } from '@nestjs/common';
import { SimConfigStore } from '../config/sim-config.store';
import { StoredMessage } from '../inbox/sim-message';
import { Prng } from '../random/prng';
import { SimScheduler, TaskToken } from '../timing/sim-scheduler';
import { EmailEventName, EmailEventSource, PendingEmailEvents } from './email-events';
import { EmailFate } from './email-fate';
import { EventWebhookBatcher } from './event-webhook-batcher';

const TERMINAL_EVENTS: ReadonlySet<EmailEventName> = new Set(['delivered', 'bounce', 'dropped']);

/**
 * The recipients of one accepted request after the 202, in steps callbackDelayMs apart:
 * `processed` (or `dropped`, which SendGrid sends instead), then `delivered` or `bounce` or
 * `deferred`, and for a deferred one a later `delivered`. Each event is recorded on its
 * recipient's message and handed to the batcher.
 */
@Injectable()
export class EmailLifecycle {
  constructor(
    private readonly scheduler: SimScheduler,
    private readonly config: SimConfigStore,
    private readonly batcher: EventWebhookBatcher,
  ) {}

  start(messageId: string, accepted: Array<{ message: StoredMessage; fate: EmailFate }>, prng: Prng): void {
    // Each recipient's events are written from one source, which does not hold its message (ADR 0056).
    const recipients = accepted.map(({ message, fate }) => ({ message, fate, source: new EmailEventSource(message) }));
    this.scheduler.spawn(`email ${messageId}`, async (token) => {
      await this.pause(prng, token);
      this.emit(recipients.map((recipient) => [recipient, recipient.fate === 'dropped' ? 'dropped' : 'processed']));
      const sent = recipients.filter(({ fate }) => fate !== 'dropped');
      if (sent.length === 0) return;
      await this.pause(prng, token);
      this.emit(sent.map((recipient) => [recipient, recipient.fate === 'bounce' ? 'bounce' : recipient.fate === 'deferred' ? 'deferred' : 'delivered']));
      const deferred = sent.filter(({ fate }) => fate === 'deferred');
      if (deferred.length === 0) return;
      await this.pause(prng, token);
      this.emit(deferred.map((recipient) => [recipient, 'delivered']));
    });
  }

  private emit(steps: Array<[{ message: StoredMessage; source: EmailEventSource }, EmailEventName]>): void {
    const at = new Date();
    const events = new PendingEmailEvents();
    for (const [{ message, source }, name] of steps) {
      message.statuses?.push(name, at);
      if (TERMINAL_EVENTS.has(name)) message.outcome = name;
      events.push(source, name, at);
    }
    this.batcher.enqueue(events);
  }

  private pause(prng: Prng, token: TaskToken): Promise<void> {
    const { min, max } = this.config.current.callbackDelayMs;
    return this.scheduler.sleep(prng.between(min, max), token);
  }
}
