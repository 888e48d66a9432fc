import { knownTwilioErrorReason } from '../retry/provider-failure';
import { Channel, DELIVERY_STATUSES, DeliveryStatus, TRACKED_DELIVERY_STATUSES, TrackedDeliveryStatus } from '../vocabulary';

/**
 * The delivery state machine after the dispatcher's hand-over, fed by provider callbacks that
 * arrive late, twice, or out of order (providers.md §2, §3, §7), and by the voice redial
 * (ADR 0013). Statuses fall in three stages:
 *
 *   untouchable  planned, suppressed          callbacks never change them
 *   progress     sending 1 < accepted 2 < sent 3 < deferred 4 < answered 5
 *   terminal     delivered, undelivered, bounced, no_answer, busy, failed
 *
 * A callback moves a delivery only forwards: to a progress status of higher rank, or from any
 * progress status to a terminal one. A callback never leaves a terminal status, so a late `sent`
 * never overwrites `delivered`, and a `delivered` never revives a `failed`. E-mail's `deferred` is a
 * progress status precisely so that SendGrid may legitimately move on from it (deferred →
 * delivered | bounced). `sending` may be left by a callback that beats the dispatcher's own
 * outcome: the provider has the message, which is what matters.
 *
 * The one way out of a terminal status is the redial (redialOf): a call nobody heard (no_answer,
 * busy) goes back to planned, counting one more redial, while redials remain. It is the redial
 * scheduler's move after a delay, never a callback's; the abandoned call's late callbacks are
 * dropped by its superseded provider id. A terminal status no redial can leave is final.
 *
 * Before the hand-over, and for the untouchable statuses, the dispatcher moves deliveries itself
 * (claims, its senders' outcomes, ending unsent ones, the channel fallback): DISPATCH_MOVES below.
 * isPermittedDeliveryMove is the whole machine, whoever moves.
 */
type Stage = { kind: 'untouchable' } | { kind: 'progress'; rank: number } | { kind: 'terminal'; redialled: boolean };

const STAGE: Record<DeliveryStatus, Stage> = {
  planned: { kind: 'untouchable' },
  suppressed: { kind: 'untouchable' },
  sending: { kind: 'progress', rank: 1 },
  accepted: { kind: 'progress', rank: 2 },
  sent: { kind: 'progress', rank: 3 },
  deferred: { kind: 'progress', rank: 4 },
  answered: { kind: 'progress', rank: 5 },
  delivered: { kind: 'terminal', redialled: false },
  undelivered: { kind: 'terminal', redialled: false },
  bounced: { kind: 'terminal', redialled: false },
  // Nobody heard the message: worth another call.
  no_answer: { kind: 'terminal', redialled: true },
  busy: { kind: 'terminal', redialled: true },
  failed: { kind: 'terminal', redialled: false },
};

export function isTerminalDeliveryStatus(status: DeliveryStatus): boolean {
  return STAGE[status].kind === 'terminal';
}

export function isTrackedDeliveryStatus(status: string): status is TrackedDeliveryStatus {
  return (TRACKED_DELIVERY_STATUSES as readonly string[]).includes(status);
}

/**
 * The status a delivery takes when a callback reports `incoming` while it is `current`, or null
 * when the callback must be ignored (stale, repeated, or about a delivery callbacks never touch).
 */
export function nextDeliveryStatus(current: DeliveryStatus, incoming: DeliveryStatus): DeliveryStatus | null {
  const from = STAGE[current];
  const to = STAGE[incoming];
  if (from.kind === 'untouchable' || !isTrackedDeliveryStatus(incoming)) return null;
  if (current === incoming || from.kind === 'terminal') return null;
  if (to.kind === 'terminal') return incoming;
  if (to.kind === 'progress' && to.rank > from.rank) return incoming;
  return null;
}

/** A provider's status in the domain's words; `reason` says why for failures (and machine answers). */
export interface StatusMapping {
  status: TrackedDeliveryStatus;
  reason?: string;
  errorCode?: string;
}

/**
 * Error codes Twilio reports only in status callbacks (30xxx), beyond those the synchronous
 * failure table (classifyProviderFailure) already names.
 */
const TWILIO_CALLBACK_ERROR_REASONS: Record<string, string> = {
  '30001': 'queue_overflow',
  '30002': 'account_suspended',
  '30004': 'message_blocked',
  '30008': 'unknown_error',
};

function twilioCallbackReason(errorCode: string | undefined, fallback: string): string {
  if (!errorCode) return fallback;
  return knownTwilioErrorReason(errorCode) ?? TWILIO_CALLBACK_ERROR_REASONS[errorCode] ?? `twilio_error_${errorCode}`;
}

function withCode(mapping: StatusMapping, errorCode: string | undefined): StatusMapping {
  return errorCode ? { ...mapping, errorCode } : mapping;
}

/**
 * Twilio MessageStatus (SMS status callback) → domain status. Null for statuses that say nothing
 * about an outbound delivery (inbound `received`, unknown future values).
 */
export function mapTwilioMessageStatus(messageStatus: string, errorCode?: string): StatusMapping | null {
  const code = errorCode?.trim() || undefined;
  switch (messageStatus.trim().toLowerCase()) {
    case 'accepted':
    case 'scheduled':
    case 'queued':
    case 'sending':
      return { status: 'accepted' };
    case 'sent':
      return { status: 'sent' };
    case 'delivered':
    case 'read':
      return { status: 'delivered' };
    case 'undelivered':
      return withCode({ status: 'undelivered', reason: twilioCallbackReason(code, 'carrier_undelivered') }, code);
    case 'failed':
      return withCode({ status: 'failed', reason: twilioCallbackReason(code, 'provider_failed') }, code);
    case 'canceled':
      return withCode({ status: 'failed', reason: 'provider_canceled' }, code);
    default:
      return null;
  }
}

/** AnsweredBy values of Twilio's answering machine detection that mean "not a person". */
export function isAnsweredByMachine(answeredBy: string | undefined): boolean {
  return !!answeredBy && answeredBy.toLowerCase().startsWith('machine');
}

/**
 * Twilio CallStatus (call status callback) → domain status. A call answered by a machine that
 * played the message to the end is delivered (to the voicemail), with that as the reason; a fax
 * is a failure.
 */
export function mapTwilioCallStatus(callStatus: string, answeredBy?: string): StatusMapping | null {
  const by = answeredBy?.trim().toLowerCase() || undefined;
  switch (callStatus.trim().toLowerCase()) {
    case 'queued':
      return { status: 'accepted' };
    case 'initiated':
    case 'ringing':
      return { status: 'sent' };
    case 'in-progress':
      if (by === 'fax') return { status: 'answered', reason: 'answered_by_fax' };
      return isAnsweredByMachine(by) ? { status: 'answered', reason: 'answered_by_machine' } : { status: 'answered' };
    case 'completed':
      if (by === 'fax') return { status: 'failed', reason: 'answered_by_fax' };
      return isAnsweredByMachine(by) ? { status: 'delivered', reason: 'answered_by_machine' } : { status: 'delivered' };
    case 'busy':
      return { status: 'busy', reason: 'line_busy' };
    case 'no-answer':
      return { status: 'no_answer', reason: 'no_answer' };
    case 'failed':
      return { status: 'failed', reason: 'call_failed' };
    case 'canceled':
      return { status: 'failed', reason: 'call_canceled' };
    default:
      return null;
  }
}

/** The fields of a SendGrid Event Webhook event that decide its status. */
export interface SendGridEventFields {
  event: string;
  /** bounce: `bounce` (hard) or `blocked`. */
  type?: string;
  /** dropped: Bounced Address | Unsubscribed Address | Spam Reporting Address | Invalid. */
  reason?: string;
  /** bounce: Invalid Address, Technical, Content, Reputation… */
  bounce_classification?: string;
}

/** `Bounced Address` → `bounced_address`; stable, short, never a whole SMTP answer. */
export function reasonSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
}

/**
 * SendGrid event → domain status. An open or a click proves delivery (its `delivered` may still
 * be on its way); spam reports and unsubscribes are the member's business, not a delivery status.
 */
export function mapSendGridEvent(event: SendGridEventFields): StatusMapping | null {
  switch (event.event) {
    case 'processed':
      return { status: 'sent' };
    case 'deferred':
      return { status: 'deferred' };
    case 'delivered':
    case 'open':
    case 'click':
      return { status: 'delivered' };
    case 'bounce': {
      if (event.type === 'blocked') return { status: 'bounced', reason: 'blocked' };
      const classification = event.bounce_classification ? reasonSlug(event.bounce_classification) : '';
      return { status: 'bounced', reason: classification || 'hard_bounce' };
    }
    case 'dropped': {
      const why = event.reason ? reasonSlug(event.reason) : '';
      return { status: 'failed', reason: why ? `dropped_${why}` : 'dropped' };
    }
    default:
      return null;
  }
}

/** The key a member presses at the call's `<Gather>` to confirm they heard the alert. */
export const VOICE_ACKNOWLEDGE_DIGIT = '1';

export function isVoiceAcknowledgement(digits: string | undefined): boolean {
  return digits?.trim() === VOICE_ACKNOWLEDGE_DIGIT;
}

/** Call outcomes after which the member may be called again: nobody heard the message. */
export const REDIALABLE_CALL_STATUSES: readonly DeliveryStatus[] = DELIVERY_STATUSES.filter((status) => {
  const stage = STAGE[status];
  return stage.kind === 'terminal' && stage.redialled;
});

/** The redial's move, as the redial scheduler's SQL takes it: voice only, back to planned. */
export const VOICE_REDIAL = { channel: 'voice', from: REDIALABLE_CALL_STATUSES, to: 'planned' } as const satisfies {
  channel: Channel;
  from: readonly DeliveryStatus[];
  to: DeliveryStatus;
};

/** One move of a delivery that the system makes itself (not a provider's callback), as its SQL takes it. */
export interface DeliveryMove {
  from: readonly DeliveryStatus[];
  to: DeliveryStatus;
}

/**
 * The moves the dispatcher and the planners make themselves, beside the callbacks'
 * (nextDeliveryStatus) and the redial (VOICE_REDIAL). The repositories take their statuses from
 * here as SQL parameters and write none of their own, so this table is the one description of
 * what they do (delivery-moves.spec.ts in libs/persistence holds them to it):
 *
 *   claim          planned → sending      a sender takes a planned delivery, under a lease
 *   takeOver       sending → sending      …or one whose holder's lease ran out, or its own after a retry
 *   accepted       sending → accepted     the provider took it
 *   failed         sending → failed       the provider refused it for good
 *   held           sending → planned      provider or rate limiter away: planned again until a time
 *   inDoubt        sending → sending      an earlier call may have gone out: parked, without holder (ADR 0025)
 *   endUnsent      planned → suppressed   the alert expired or was cancelled before it went out
 *   fallback       suppressed → planned   an urgent SMS failed: the member's suppressed call or e-mail is planned (ADR 0032)
 */
export const DISPATCH_MOVES = {
  claim: { from: ['planned'], to: 'sending' },
  takeOver: { from: ['sending'], to: 'sending' },
  accepted: { from: ['sending'], to: 'accepted' },
  failed: { from: ['sending'], to: 'failed' },
  held: { from: ['sending'], to: 'planned' },
  inDoubt: { from: ['sending'], to: 'sending' },
  endUnsent: { from: ['planned'], to: 'suppressed' },
  fallback: { from: ['suppressed'], to: 'planned' },
} as const satisfies Record<string, DeliveryMove>;

/** The status a delivery a sender holds (claimed, or parked in doubt) is in. */
export const HELD_BY_SENDER: DeliveryStatus = DISPATCH_MOVES.claim.to;

/** What a sender reports of a claimed delivery (DeliveryOutcome), and the move each makes. */
export const SENDER_OUTCOME_MOVES = {
  accepted: DISPATCH_MOVES.accepted,
  failed: DISPATCH_MOVES.failed,
  held: DISPATCH_MOVES.held,
  in_doubt: DISPATCH_MOVES.inDoubt,
} as const satisfies Record<string, DeliveryMove>;

export type SenderOutcome = keyof typeof SENDER_OUTCOME_MOVES;

/**
 * Every move a delivery can make once it exists, whoever makes it: a callback's, the redial's, or
 * one of the dispatcher's own. `from === to` only for the sender's own re-holding moves.
 */
export function isPermittedDeliveryMove(from: DeliveryStatus, to: DeliveryStatus): boolean {
  if (nextDeliveryStatus(from, to) !== null) return true;
  if (VOICE_REDIAL.from.includes(from) && VOICE_REDIAL.to === to) return true;
  return Object.values(DISPATCH_MOVES).some((move: DeliveryMove) => move.from.includes(from) && move.to === to);
}

/** How often a call nobody heard is tried again, and how long after (VOICE_REDIALS, VOICE_REDIAL_DELAY_SECONDS). */
export interface RedialPolicy {
  /** Redials after the first call; 0 turns redialling off. */
  maxRedials: number;
  /** How long after the unanswered or busy call the member is called again. */
  delaySeconds: number;
}

/** What the redial looks at in a delivery. */
export interface RedialCandidate {
  channel: Channel;
  status: DeliveryStatus;
  /** Redials so far: 0 after the first call. */
  redials: number;
  /** When its status last changed: the unanswered call's end. */
  statusUpdatedAt: Date;
}

/**
 * The redial of a delivery at `now`: planned again, as redial number `redials`, when it is a call
 * nobody heard, redials remain, and the delay since has passed; otherwise null (it stays as it is).
 */
export function redialOf(delivery: RedialCandidate, policy: RedialPolicy, now: Date): { status: typeof VOICE_REDIAL.to; redials: number } | null {
  if (delivery.channel !== VOICE_REDIAL.channel || !VOICE_REDIAL.from.includes(delivery.status)) return null;
  if (delivery.redials >= policy.maxRedials) return null;
  if (delivery.statusUpdatedAt.getTime() > now.getTime() - policy.delaySeconds * 1000) return null;
  return { status: VOICE_REDIAL.to, redials: delivery.redials + 1 };
}
