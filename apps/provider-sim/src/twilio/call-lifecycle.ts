import { Injectable, Logger } from '@nestjs/common';
import { SimConfigStore } from '../config/sim-config.store';
import { MessageStore } from '../inbox/message-store';
import { StoredMessage } from '../inbox/sim-message';
import { Prng } from '../random/prng';
import { Cancelled, SimScheduler, Sleeper, TaskToken } from '../timing/sim-scheduler';
import { OutboundWebhook, QueuedWebhook, WebhookAttempt } from '../webhooks/outbound-webhook';
import { TwilioWebhookFactory } from '../webhooks/twilio-webhook';
import { WebhookSender } from '../webhooks/webhook-sender';
import { CallFate } from './call-fate';
import { callSecondsOfWords, spokenWords } from './call-duration';
import { CallEvent, callParams, CallStatus, callStatusCallbackParams } from './call-params';
import { parseGather, TwimlGather } from './twiml-gather.parser';
import { parseSaidTexts } from './twiml-say.parser';
import { UrlShapes } from './url-shapes';
import { drawBetween, KeptDraws, keptDraws, PendingShapes } from './pending-shapes';

export interface CallContext {
  accountSid: string;
  events: Set<CallEvent>;
  /** MachineDetection as requested: Enable | DetectMessageEnd. */
  machineDetection?: string;
}

const EVENT_OF_STATUS: Record<CallStatus, CallEvent> = {
  initiated: 'initiated',
  ringing: 'ringing',
  'in-progress': 'answered',
  completed: 'completed',
  busy: 'completed',
  'no-answer': 'completed',
  failed: 'completed',
};

/**
 * A queued call after the 201: initiated, ringing, answered (in-progress) and its end, each
 * recorded on the call and posted, signed, to the StatusCallback when its event was asked for.
 * An answered call fetches its Url (if it has one) for TwiML, once; a human at a `<Gather>` may
 * press 1, which is posted to the Gather's action.
 *
 * A call still in progress is one small record (CallProgress), moved a step at a time by the
 * scheduler's timer and the sender's lanes, with no promise or closure: a national alert whose
 * receiver is slower than the calls leaves tens of thousands of them waiting (ADR 0068).
 */
@Injectable()
export class CallLifecycle {
  readonly logger = new Logger('CallLifecycle');
  /** The shared parts of the URLs pending calls post to (StatusCallback, TwiML Url, Gather action). */
  readonly urls = new UrlShapes();
  private readonly shapes = new PendingShapes<CallShape>(MAX_SHAPES);

  constructor(
    readonly scheduler: SimScheduler,
    readonly config: SimConfigStore,
    readonly webhooks: TwilioWebhookFactory,
    readonly sender: WebhookSender,
    readonly store: MessageStore,
  ) {}

  /**
   * Begins the lifecycle of `call`, which must be recorded in the store first (MessageStore.record,
   * as TwilioCallsService does): its callbacks read the call's sid and numbers from its Twilio
   * record, and its statuses are recorded through it.
   */
  start(call: StoredMessage, fate: CallFate, context: CallContext, prng: Prng): void {
    const record = this.store.twilioRecord('voice', call.id);
    if (record < 0) throw new Error(`call ${call.id} has no Twilio record: record it in the MessageStore before starting its lifecycle`);
    const [urlShape, ownUrl] = this.urls.split(call.statusCallback ?? '');
    const token = this.scheduler.begin();
    const progress = new CallProgress(this.shapeOf(token, urlShape, fate, context), record, ownUrl, prng);
    if (call.twiml !== undefined) {
      // Inline TwiML is known now: what the call keeps of it is the words it says and its Gather.
      progress.instructed(call.twiml, call.url, spokenWords(call.said ?? []));
    } else if (call.url !== undefined) {
      progress.answerFrom(call.url);
    }
    progress.next();
  }

  /** The shared part of a call's record: one object per generation, StatusCallback shape, account, events, machine detection and fate. */
  private shapeOf(token: TaskToken, urlShape: number, fate: CallFate, context: CallContext): CallShape {
    const { accountSid, events, machineDetection } = context;
    const key = `${urlShape} ${fate.outcome} ${fate.answeredBy} ${fate.acknowledges} ${accountSid} ${[...events].join(',')} ${machineDetection}`;
    return this.shapes.of(token, key, () => {
      // Only an answered call has someone who answered.
      const reported = fate.outcome === 'completed' ? reportedAnsweredBy(fate, machineDetection) : undefined;
      return {
        lifecycle: this,
        token,
        urlShape,
        accountSid,
        events: new Set(events),
        fate: { ...fate },
        reportedAnsweredBy: reported,
        answeredBy: fate.outcome === 'completed' ? (reported ?? fate.answeredBy) : undefined,
        presses: fate.answeredBy === 'human' && fate.acknowledges,
      };
    });
  }
}

/**
 * What many calls have in common, kept once (CallLifecycle.shapeOf): the generation they run in,
 * the shared part of their StatusCallback, their account, the events asked for, and their fate
 * with what it makes of machine detection.
 */
interface CallShape {
  readonly lifecycle: CallLifecycle;
  readonly token: TaskToken;
  /** UrlShapes' shape of the StatusCallback; -1: kept whole in the record's ownUrl. */
  readonly urlShape: number;
  readonly accountSid: string;
  readonly events: ReadonlySet<CallEvent>;
  readonly fate: Readonly<CallFate>;
  /** AnsweredBy as reported: only when MachineDetection was asked for. */
  readonly reportedAnsweredBy: string | undefined;
  /** Who answered as the call records it: the reported value, else the simulator's own truth. */
  readonly answeredBy: string | undefined;
  /** A human who presses 1 at a Gather. */
  readonly presses: boolean;
}

/** A call's steps, in order; a call skips those its fate or TwiML rule out. */
const INITIATED = 0;
const RINGING = 1;
const ANSWERED = 2;
/** The POST of the call's Url for its TwiML (no pause before it, no retry). */
const FETCH = 3;
/** The pause of a human at the Gather, then the POST of '1' to its action (no retry). */
const PRESS = 4;
/** The call's end: completed, busy, no-answer or failed. */
const END = 5;
const DONE = 6;

/** CallProgress.gather: instructions still to be fetched from `target` (the call's Url). */
const TO_FETCH = -2;
/** CallProgress.gather: no `<Gather>` (or no TwiML at all). */
const NO_GATHER = -1;

/** Twilio's Timestamp shows whole seconds; kept from this epoch so that it is a small integer in place. */
const SECONDS_BASE = 1_700_000_000;
const MAX_SHAPES = 10_000;

/**
 * One call's lifecycle still to come, as a record rather than a chain of awaits (ADR 0068): a
 * heap snapshot at 1,000,000 members found ~61,000 calls alive behind a slow tracker, each ~4.5 KB
 * of suspended async functions, promises and closures. Here each is a dozen small integers and
 * pointers and two strings (the own parts of its StatusCallback and of the URL it posts to next):
 * the call's sid and numbers are read from its Twilio record by record number when a POST is
 * built; what calls share is one CallShape; its generator is kept as its 32-bit state; of its
 * TwiML it keeps the words said and its Gather's timeout and action. Statuses, answer, digits and
 * fetched TwiML are written on the call while the inbox retains it, else on its record.
 *
 * It sleeps on the scheduler's timer (Sleeper) and waits in its receiver's lane (QueuedWebhook)
 * as itself; `next` moves it to its following step, in the order the async chain took them.
 */
class CallProgress implements Sleeper, QueuedWebhook {
  at = 0;
  order = 0;
  /** The step reached (INITIATED…DONE); -1 before the first. */
  private step = -1;
  /** SequenceNumber of the call's next status callback. */
  private sequence = 0;
  /** When the current status was reached, in seconds from SECONDS_BASE (all Timestamp shows). */
  private reachedSecond = 0;
  /** The call's generator: its saved state (Mulberry32.saved), or the generator itself when it is of another kind. */
  draws: KeptDraws;
  /** Where the call posts next other than its StatusCallback: its Url until fetched, then its Gather's action (UrlShapes). */
  private targetShape = -1;
  private targetOwn = '';
  /** TO_FETCH, NO_GATHER, or the Gather's timeout in seconds. */
  private gather = NO_GATHER;
  /** Words its TwiML says; once the call ended, its CallDuration. */
  private words = 0;

  constructor(
    private readonly shape: CallShape,
    /** The call's Twilio record number (MessageStore.twilioRecord). */
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

  /** Where the POST of the current step goes: the Url or Gather action while fetching or pressing, else the StatusCallback. */
  get url(): string {
    const { urls } = this.shape.lifecycle;
    return this.step === FETCH || this.step === PRESS ? urls.url(this.targetShape, this.targetOwn) : urls.url(this.shape.urlShape, this.ownUrl);
  }

  /** The TwiML fetch and the Gather action are posted once: Twilio does not retry them (a FallbackUrl is not simulated). */
  get retry(): boolean {
    return this.step !== FETCH && this.step !== PRESS;
  }

  /** The call's Url, fetched for its TwiML on answer. */
  answerFrom(url: string): void {
    [this.targetShape, this.targetOwn] = this.shape.lifecycle.urls.split(url);
    this.gather = TO_FETCH;
  }

  /** The call's TwiML is known: what it keeps of it is the words said and its first Gather. */
  instructed(twiml: string, documentUrl: string | undefined, words: number): void {
    this.words = words;
    this.gathers(parseGather(twiml, documentUrl));
  }

  /** To the following step: sleeps until it (a status, the press) or posts at once (the TwiML fetch); or ends. */
  next(): void {
    const { fate } = this.shape;
    const step = this.step;
    if (step === -1) {
      this.pauseFor(INITIATED);
    } else if (step === INITIATED) {
      this.pauseFor(fate.outcome === 'failed' ? END : RINGING);
    } else if (step === RINGING && fate.outcome !== 'completed') {
      this.pauseFor(END);
    } else if (step === RINGING) {
      // Who answered is on the call from the moment it is answered, as its in-progress status comes.
      this.note((call) => {
        call.answeredBy = this.shape.answeredBy;
      });
      this.pauseFor(ANSWERED);
    } else if (step === ANSWERED && this.gather === TO_FETCH) {
      this.step = FETCH;
      this.shape.lifecycle.sender.enqueue(this);
    } else if (step === ANSWERED || step === FETCH) {
      this.afterInstructions();
    } else if (step === PRESS) {
      this.pauseFor(END);
    } else {
      this.step = DONE;
      this.shape.lifecycle.scheduler.end(this.shape.token);
    }
  }

  /** A status reached (recorded, then posted when its event was asked for), or the press at the Gather. */
  wake(): void {
    const { lifecycle, token } = this.shape;
    try {
      if (this.step === PRESS) this.press();
      else this.reach();
    } catch (error: unknown) {
      lifecycle.logger.error({ msg: 'call lifecycle failed', record: this.record, error: String(error) });
      lifecycle.scheduler.end(token);
    }
  }

  cancel(_reason: Cancelled): void {
    // The generation is over; the scheduler wrote this task off with it.
  }

  build(): OutboundWebhook {
    const { lifecycle, accountSid, reportedAnsweredBy } = this.shape;
    const fields = lifecycle.store.twilioCallbackFields('voice', this.record);
    if (this.step === FETCH) {
      return lifecycle.webhooks.signed('voice', `call twiml ${fields.id}`, this.url, callParams(fields, accountSid, 'in-progress', reportedAnsweredBy));
    }
    if (this.step === PRESS) {
      const params = { ...callParams(fields, accountSid, 'in-progress', reportedAnsweredBy), Digits: '1', FinishedOnKey: '', msg: 'Gather End' };
      return lifecycle.webhooks.signed('voice', `call gather ${fields.id}`, this.url, params);
    }
    const status = this.status();
    const at = new Date((this.reachedSecond + SECONDS_BASE) * 1000);
    const params = callStatusCallbackParams(fields, accountSid, status, at, this.sequence - 1, this.extra(status));
    return lifecycle.webhooks.signed('voice', `call status ${status} ${fields.id}`, this.url, params);
  }

  posted(attempt: WebhookAttempt): void {
    if (this.step === FETCH) this.fetched(attempt);
    else if (this.step === PRESS)
      this.note((call) => {
        call.gatherReplyStatus = attempt.reply?.status;
      });
    this.next();
  }

  private pauseFor(step: number): void {
    this.step = step;
    const { lifecycle, token } = this.shape;
    const { min, max } = lifecycle.config.current.callbackDelayMs;
    lifecycle.scheduler.wakeAt(drawBetween(this, min, max), this, token);
  }

  /** The current status reached: recorded on the call (or its record), then posted, or skipped without a StatusCallback or its event. */
  private reach(): void {
    const { lifecycle, events, urlShape } = this.shape;
    const status = this.status();
    const at = new Date();
    const final = this.step === END;
    if (final) this.words = status === 'completed' ? this.duration() : 0;
    const answered = this.step >= ANSWERED ? this.shape.answeredBy : undefined;
    lifecycle.store.twilioCallReached(this.record, status, at, final, answered, final ? this.words : undefined);
    if ((urlShape < 0 && this.ownUrl === '') || !events.has(EVENT_OF_STATUS[status])) {
      this.next();
      return;
    }
    this.reachedSecond = Math.floor(at.getTime() / 1000) - SECONDS_BASE;
    this.sequence += 1;
    lifecycle.sender.enqueue(this);
  }

  /** A human pressed 1: recorded, and posted to the Gather's action if there is one. */
  private press(): void {
    this.note((call) => {
      call.digits = '1';
    });
    if (this.targetShape < 0 && this.targetOwn === '') this.pauseFor(END);
    else this.shape.lifecycle.sender.enqueue(this);
  }

  /** The TwiML fetch answered: a 2xx body is the call's TwiML (on the call, and its words and Gather here); anything else, none. */
  private fetched({ reply }: WebhookAttempt): void {
    const documentUrl = this.url;
    this.targetShape = -1;
    this.targetOwn = '';
    this.gather = NO_GATHER;
    if (reply === undefined || reply.status < 200 || reply.status >= 300) return;
    const said = parseSaidTexts(reply.body);
    this.note((call) => {
      call.twiml = reply.body;
      call.said = said;
    });
    this.instructed(reply.body, documentUrl, spokenWords(said));
  }

  /** After the TwiML: the press at its Gather if a human acknowledges, else the end. */
  private afterInstructions(): void {
    this.pauseFor(this.gather >= 0 && this.shape.presses ? PRESS : END);
  }

  private gathers(gather: TwimlGather | undefined): void {
    if (gather === undefined) {
      this.gather = NO_GATHER;
      [this.targetShape, this.targetOwn] = [-1, ''];
      return;
    }
    this.gather = gather.timeoutSeconds;
    [this.targetShape, this.targetOwn] = this.shape.lifecycle.urls.split(gather.actionUrl ?? '');
  }

  /** CallDuration of a completed call: its words spoken and the wait at its Gather. */
  private duration(): number {
    const gather = this.gather >= 0 ? { timeoutSeconds: this.gather, pressed: this.shape.presses } : undefined;
    return callSecondsOfWords(this.words, gather);
  }

  private status(): CallStatus {
    switch (this.step) {
      case INITIATED:
        return 'initiated';
      case RINGING:
        return 'ringing';
      case ANSWERED:
        return 'in-progress';
      default:
        return this.shape.fate.outcome;
    }
  }

  /** AnsweredBy and CallDuration of a status callback: as the async chain passed them. */
  private extra(status: CallStatus): { answeredBy?: string; durationSeconds?: number } {
    if (status === 'initiated' || status === 'ringing') return {};
    if (status === 'in-progress') return { answeredBy: this.shape.reportedAnsweredBy };
    if (status === 'completed') return { answeredBy: this.shape.reportedAnsweredBy, durationSeconds: this.words };
    return { durationSeconds: 0 };
  }

  /** Writes on the call while the inbox retains it; past its window nothing reads these. */
  private note(write: (call: StoredMessage) => void): void {
    const call = this.shape.lifecycle.store.twilioRetained('voice', this.record);
    if (call !== undefined) write(call);
  }
}

/** AnsweredBy is only reported when MachineDetection was asked for; its machine value depends on the mode. */
function reportedAnsweredBy(fate: CallFate, machineDetection: string | undefined): string | undefined {
  if (machineDetection === undefined) return undefined;
  if (fate.answeredBy === 'human') return 'human';
  return machineDetection.toLowerCase() === 'detectmessageend' ? 'machine_end_beep' : 'machine_start';
}
