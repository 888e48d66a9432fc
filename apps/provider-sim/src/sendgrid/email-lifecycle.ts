import { Injectable } from '@nestjs/common';
import { SimConfigStore } from '../config/sim-config.store';
import { MessageStore } from '../inbox/message-store';
import { StoredMessage } from '../inbox/sim-message';
import { Prng } from '../random/prng';
import { SimScheduler, TaskToken } from '../timing/sim-scheduler';
import { EmailEventName, EmailRecipients, PendingEmailEvents } from './email-events';
import { EmailFate } from './email-fate';
import { EventWebhookBatcher } from './event-webhook-batcher';

const TERMINAL_EVENTS: ReadonlySet<EmailEventName> = new Set(['delivered', 'bounce', 'dropped']);
const FATES: readonly EmailFate[] = ['delivered', 'bounce', 'dropped', 'deferred'];
const FATE_INDEX = Object.fromEntries(FATES.map((fate, i) => [fate, i])) as Record<EmailFate, number>;
const DROPPED = FATE_INDEX.dropped;
const DEFERRED = FATE_INDEX.deferred;
const BOUNCE = FATE_INDEX.bounce;

/**
 * The recipients of one accepted request after the 202, in steps callbackDelayMs apart:
 * `processed` (or `dropped`, which SendGrid sends instead), then `delivered` or `bounce` or
 * `deferred`, and for a deferred one a later `delivered`. Each event is recorded on its
 * recipient's message while the inbox retains it, and handed to the batcher.
 *
 * While its steps wait, a request keeps its recipients compact (ADR 0066): their events' shared
 * shape (`EmailRecipients`), and per recipient its fate and its message's arrival number in
 * typed arrays (5 bytes), not the message, which may leave the inbox meanwhile.
 */
@Injectable()
export class EmailLifecycle {
  constructor(
    private readonly scheduler: SimScheduler,
    private readonly config: SimConfigStore,
    private readonly batcher: EventWebhookBatcher,
    private readonly store: MessageStore,
  ) {}

  start(messageId: string, accepted: Array<{ message: StoredMessage; fate: EmailFate }>, prng: Prng): void {
    const recipients = new EmailRecipients(
      messageId,
      accepted.map(({ message }) => message),
    );
    const fates = Uint8Array.from(accepted, ({ fate }) => FATE_INDEX[fate]);
    const arrivals = Uint32Array.from(accepted, ({ message }) => message.seq);
    const step = (name: (fate: number) => EmailEventName | undefined) => this.emit(recipients, fates, arrivals, name);
    this.scheduler.spawn(`email ${messageId}`, async (token) => {
      await this.pause(prng, token);
      step((fate) => (fate === DROPPED ? 'dropped' : 'processed'));
      if (fates.every((fate) => fate === DROPPED)) return;
      await this.pause(prng, token);
      step((fate) => (fate === DROPPED ? undefined : fate === BOUNCE ? 'bounce' : fate === DEFERRED ? 'deferred' : 'delivered'));
      if (!fates.includes(DEFERRED)) return;
      await this.pause(prng, token);
      step((fate) => (fate === DEFERRED ? 'delivered' : undefined));
    });
  }

  /** One step: each recipient's event `name(fate)` if it has one, in the request's order. */
  private emit(recipients: EmailRecipients, fates: Uint8Array, arrivals: Uint32Array, name: (fate: number) => EmailEventName | undefined): void {
    const at = new Date();
    const events = new PendingEmailEvents();
    for (let i = 0; i < fates.length; i += 1) {
      const event = name(fates[i]);
      if (event === undefined) continue;
      this.store.emailReached(arrivals[i], recipients.messageId, event, at, TERMINAL_EVENTS.has(event));
      events.push(recipients, i, event, at);
    }
    this.batcher.enqueue(events);
  }

  private pause(prng: Prng, token: TaskToken): Promise<void> {
    const { min, max } = this.config.current.callbackDelayMs;
    return this.scheduler.sleep(prng.between(min, max), token);
  }
}
