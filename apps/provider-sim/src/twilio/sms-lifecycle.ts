import { Injectable, Logger } from '@nestjs/common';
import { SimConfigStore } from '../config/sim-config.store';
import { MessageStore } from '../inbox/message-store';
import { StoredMessage } from '../inbox/sim-message';
import { Prng } from '../random/prng';
import { Cancelled, SimScheduler, Sleeper, TaskToken } from '../timing/sim-scheduler';
import { OutboundWebhook, QueuedWebhook, WebhookAttempt } from '../webhooks/outbound-webhook';
import { TwilioWebhookFactory } from '../webhooks/twilio-webhook';
import { WebhookSender } from '../webhooks/webhook-sender';
import { SmsFate } from './sms-fate';
import { SmsCallbackContext, SmsStatus, smsStatusCallbackParams } from './sms-status-callback';

/**
 * An accepted SMS after the 201: `sent` then its terminal status (only `failed` when it never
 * left), each recorded on the message and, with a StatusCallback, posted there signed. An
 * out-of-order fate posts the terminal status first, as Twilio sometimes does.
 *
 * A message's callbacks still to come are one small record (SmsCallbacks): it sleeps on the
 * scheduler's timer and waits for a connection of its receiver as itself, with no promise or
 * closure, and its form and signature are made only when its POST goes out. A national alert
 * whose receiver is slower than the messages leaves a backlog of these records (ADR 0044).
 */
@Injectable()
export class SmsLifecycle {
  readonly logger = new Logger('SmsLifecycle');

  constructor(
    readonly scheduler: SimScheduler,
    readonly config: SimConfigStore,
    readonly webhooks: TwilioWebhookFactory,
    readonly sender: WebhookSender,
    readonly store: MessageStore,
  ) {}

  start(message: StoredMessage, fate: SmsFate, context: SmsCallbackContext, prng: Prng): void {
    new SmsCallbacks(this, this.scheduler.begin(), message, fate, context, prng).next();
  }
}

/**
 * One message's status callbacks still to come. It keeps what the callbacks are made of (the
 * message's sid, numbers, account and StatusCallback, its fate, its generator for the delays) as
 * its own fields, not the message: statuses are recorded on the message found by sid, while the
 * inbox still holds it.
 */
class SmsCallbacks implements Sleeper, QueuedWebhook, SmsCallbackContext {
  at = 0;
  order = 0;
  /** Index of the status being reached or posted in statusSequence. */
  private step = -1;
  /** When that status was reached (epoch ms). */
  private reachedAt = 0;
  readonly id: string;
  readonly to: string;
  readonly from: string;
  readonly url: string;
  readonly accountSid: string;
  readonly messagingServiceSid: string | undefined;
  /** Shared by every message of the same fate: one pointer here. */
  private readonly statuses: readonly SmsStatus[];
  /** The fate's final status, and its error code if any. */
  private readonly terminal: SmsStatus;
  private readonly errorCode: number | undefined;

  constructor(
    private readonly lifecycle: SmsLifecycle,
    readonly token: TaskToken,
    message: StoredMessage,
    fate: SmsFate,
    context: SmsCallbackContext,
    private readonly prng: Prng,
  ) {
    this.id = message.id;
    this.to = message.to;
    this.from = message.from;
    this.url = message.statusCallback ?? '';
    this.accountSid = context.accountSid;
    this.messagingServiceSid = context.messagingServiceSid;
    this.statuses = statusSequence(fate, context);
    this.terminal = fate.status;
    this.errorCode = fate.errorCode;
  }

  /** After a status is posted (or recorded, without a StatusCallback): sleep until the next one, or end. */
  next(): void {
    const { scheduler, config } = this.lifecycle;
    this.step += 1;
    if (this.step >= this.statuses.length) {
      scheduler.end(this.token);
      return;
    }
    const { min, max } = config.current.callbackDelayMs;
    scheduler.wakeAt(this.prng.between(min, max), this, this.token);
  }

  /** The next status is reached: recorded, then posted or (without a StatusCallback) skipped. */
  wake(): void {
    try {
      const status = this.status();
      const at = new Date();
      this.reachedAt = at.getTime();
      const errorCode = this.errorCodeOf(status);
      const message = this.lifecycle.store.twilioResource('sms', this.id);
      if (message !== undefined) {
        message.statuses?.push(status, at, errorCode);
        if (status === this.terminal) {
          message.outcome = status;
          if (errorCode !== undefined) message.errorCode = errorCode;
        }
      }
      if (this.url === '') this.next();
      // A status after the message's first waits ahead of messages that posted none yet (ADR 0055).
      else this.lifecycle.sender.enqueue(this, this.step > 0);
    } catch (error: unknown) {
      this.lifecycle.logger.error({ msg: 'sms callbacks failed', id: this.id, error: String(error) });
      this.lifecycle.scheduler.end(this.token);
    }
  }

  cancel(_reason: Cancelled): void {
    // The generation is over; the scheduler wrote this task off with it.
  }

  build(): OutboundWebhook {
    const status = this.status();
    const params = smsStatusCallbackParams(this, this, status, new Date(this.reachedAt), this.errorCodeOf(status));
    return this.lifecycle.webhooks.signed('sms', `sms status ${status} ${this.id}`, this.url, params);
  }

  posted(_attempt: WebhookAttempt): void {
    this.next();
  }

  private status(): SmsStatus {
    return this.statuses[this.step];
  }

  private errorCodeOf(status: SmsStatus): number | undefined {
    return status === this.terminal ? this.errorCode : undefined;
  }
}

const SEQUENCES = new Map<string, readonly SmsStatus[]>();

function statusSequence(fate: SmsFate, context: SmsCallbackContext): readonly SmsStatus[] {
  const key = `${fate.status} ${fate.outOfOrder} ${context.messagingServiceSid !== undefined}`;
  let sequence = SEQUENCES.get(key);
  if (sequence === undefined) {
    // With a Messaging Service the create answers `accepted`, and `queued` is reported later.
    const queued: SmsStatus[] = context.messagingServiceSid !== undefined ? ['queued'] : [];
    if (fate.status === 'failed') sequence = [...queued, 'failed'];
    else sequence = fate.outOfOrder ? [...queued, fate.status, 'sent'] : [...queued, 'sent', fate.status];
    SEQUENCES.set(key, sequence);
  }
  return sequence;
}
