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
import { UrlShapes } from './url-shapes';
import { drawBetween, KeptDraws, keptDraws, PendingShapes } from './pending-shapes';
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
  /** The shared parts of StatusCallback URLs, for the records of callbacks still to come. */
  readonly urls = new UrlShapes();
  private readonly shapes = new PendingShapes<SmsCallbackShape>(MAX_SHAPES);

  constructor(
    readonly scheduler: SimScheduler,
    readonly config: SimConfigStore,
    readonly webhooks: TwilioWebhookFactory,
    readonly sender: WebhookSender,
    readonly store: MessageStore,
  ) {}

  /**
   * Begins the callbacks of `message`, which must be recorded in the store first (MessageStore.record,
   * as TwilioMessagesService does): they read the message from its Twilio record and record its
   * statuses through it (ADR 0061).
   */
  start(message: StoredMessage, fate: SmsFate, context: SmsCallbackContext, prng: Prng): void {
    const record = this.store.twilioRecord('sms', message.id);
    if (record < 0) throw new Error(`SMS ${message.id} has no Twilio record: record it in the MessageStore before starting its callbacks`);
    const [urlShape, ownUrl] = this.urls.split(message.statusCallback ?? '');
    const token = this.scheduler.begin();
    new SmsCallbacks(this.shapeOf(token, urlShape, fate, context), record, ownUrl, prng).next();
  }

  /** The shared part of a message's callback record: one object per generation, callback URL shape, Messaging Service and fate. */
  private shapeOf(token: TaskToken, urlShape: number, fate: SmsFate, context: SmsCallbackContext): SmsCallbackShape {
    const key = `${urlShape} ${fate.status} ${fate.outOfOrder} ${fate.errorCode} ${context.accountSid} ${context.messagingServiceSid}`;
    const { accountSid, messagingServiceSid } = context;
    return this.shapes.of(token, key, () => ({
      lifecycle: this,
      token,
      urlShape,
      accountSid,
      messagingServiceSid,
      statuses: statusSequence(fate, context),
      terminal: fate.status,
      errorCode: fate.errorCode,
    }));
  }
}

/**
 * What many messages' callbacks have in common, kept once (SmsLifecycle.shapeOf): the
 * generation they run in, the shared part of their StatusCallback, their account and Messaging Service, and
 * their fate (status sequence, final status, error code).
 */
interface SmsCallbackShape {
  readonly lifecycle: SmsLifecycle;
  readonly token: TaskToken;
  /** UrlShapes' shape of the StatusCallback; -1: kept whole in the record's ownUrl. */
  readonly urlShape: number;
  readonly accountSid: string;
  readonly messagingServiceSid: string | undefined;
  readonly statuses: readonly SmsStatus[];
  readonly terminal: SmsStatus;
  readonly errorCode: number | undefined;
}

/**
 * One message's status callbacks still to come. A national alert whose receiver is slower than
 * the messages leaves hundreds of thousands of these waiting (issue 10: 758,044 at the end of a
 * 1,000,000-member run), so each is seven fields of small integers and pointers and one string,
 * the part of its StatusCallback that names its delivery (ADR 0061): the message's sid, numbers
 * and account are read from its Twilio record (TwilioRecords, kept for every accepted SMS) by
 * record number when a callback is built; what messages share (generation, URL's shared part,
 * fate) is one shared object; its generator is kept as its 32-bit state; the time a status was
 * reached is kept to the minute, all the callback form shows of it (RawDlrDoneDate). Statuses
 * are recorded through the record number, on the message while the inbox still holds it.
 */
class SmsCallbacks implements Sleeper, QueuedWebhook {
  at = 0;
  order = 0;
  /** (Minute since the epoch the current status was reached) × 4 + its index in the sequence. */
  private progress = STEP_MASK;
  /** The message's generator: its saved state (Mulberry32.saved), or the generator itself when it is of another kind. */
  draws: KeptDraws;

  constructor(
    private readonly shape: SmsCallbackShape,
    /** The message's Twilio record number (MessageStore.twilioRecord). */
    private readonly record: number,
    /** The StatusCallback's own part (UrlShapes.split), or all of it; '' without one. */
    private readonly ownUrl: string,
    prng: Prng,
  ) {
    this.draws = keptDraws(prng);
  }

  get token(): TaskToken {
    return this.shape.token;
  }

  get url(): string {
    return this.shape.lifecycle.urls.url(this.shape.urlShape, this.ownUrl);
  }

  /** After a status is posted (or recorded, without a StatusCallback): sleep until the next one, or end. */
  next(): void {
    const { lifecycle, token, statuses } = this.shape;
    const step = (this.step() + 1) & STEP_MASK;
    this.progress = this.progress - (this.progress & STEP_MASK) + step;
    if (step >= statuses.length) {
      lifecycle.scheduler.end(token);
      return;
    }
    const { min, max } = lifecycle.config.current.callbackDelayMs;
    lifecycle.scheduler.wakeAt(drawBetween(this, min, max), this, token);
  }

  /** The next status is reached: recorded, then posted or (without a StatusCallback) skipped. */
  wake(): void {
    const { lifecycle, token, terminal, urlShape } = this.shape;
    try {
      const status = this.status();
      const at = new Date();
      this.progress = Math.floor(at.getTime() / MINUTE_MS) * (STEP_MASK + 1) + this.step();
      const errorCode = this.errorCodeOf(status);
      lifecycle.store.twilioReached('sms', this.record, status, at, errorCode, status === terminal);
      if (urlShape < 0 && this.ownUrl === '') this.next();
      // A status after the message's first waits ahead of messages that posted none yet (ADR 0055).
      else lifecycle.sender.enqueue(this, this.step() > 0);
    } catch (error: unknown) {
      lifecycle.logger.error({ msg: 'sms callbacks failed', id: this.fields().id, error: String(error) });
      lifecycle.scheduler.end(token);
    }
  }

  cancel(_reason: Cancelled): void {
    // The generation is over; the scheduler wrote this task off with it.
  }

  build(): OutboundWebhook {
    const { lifecycle, messagingServiceSid, accountSid } = this.shape;
    const status = this.status();
    const { id, to, from } = this.fields();
    const reachedAt = new Date(Math.floor(this.progress / (STEP_MASK + 1)) * MINUTE_MS);
    const params = smsStatusCallbackParams({ id, to, from }, { accountSid, messagingServiceSid }, status, reachedAt, this.errorCodeOf(status));
    return lifecycle.webhooks.signed('sms', `sms status ${status} ${id}`, this.url, params);
  }

  posted(_attempt: WebhookAttempt): void {
    this.next();
  }

  private fields(): { id: string; to: string; from: string } {
    return this.shape.lifecycle.store.twilioCallbackFields('sms', this.record);
  }

  private step(): number {
    return this.progress & STEP_MASK;
  }

  private status(): SmsStatus {
    return this.shape.statuses[this.step()];
  }

  private errorCodeOf(status: SmsStatus): number | undefined {
    return status === this.shape.terminal ? this.shape.errorCode : undefined;
  }
}

/** The step index's bits in SmsCallbacks.progress (a sequence has at most three statuses; 3 is "before the first"). */
const STEP_MASK = 3;

const MINUTE_MS = 60_000;
const MAX_SHAPES = 10_000;

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
