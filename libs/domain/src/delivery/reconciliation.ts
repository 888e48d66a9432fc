import { Channel, DELIVERY_STATUSES, DeliveryStatus } from '../vocabulary';
import { StatusMapping, isTerminalDeliveryStatus, mapTwilioCallStatus, mapTwilioMessageStatus, nextDeliveryStatus } from './delivery-state';

/**
 * The reconciliation of deliveries whose status callbacks were lost (ADR 0039): a delivery the
 * provider took that has not reached a final status long after Twilio stopped retrying its
 * callbacks is looked up at the provider, and the answer is reported as a callback would be.
 * E-mail is not reconciled: SendGrid has no API to ask one message's status (ADR 0025).
 */
export const RECONCILED_CHANNELS = ['sms', 'voice'] as const satisfies readonly Channel[];

/**
 * The statuses a reconciliation looks at: those a callback can still end, past the dispatcher's
 * own `sending` (a held or in-doubt send is the dispatcher's business, ADR 0025, 0038).
 */
export const RECONCILABLE_STATUSES: readonly DeliveryStatus[] = DELIVERY_STATUSES.filter((status) => status !== 'sending' && nextDeliveryStatus(status, 'delivered') !== null);

/**
 * The statuses that close an open reconciliation without a lookup: final ones, reached by a
 * callback after all (ADR 0062).
 */
export const RECONCILIATION_CLOSING_STATUSES: readonly DeliveryStatus[] = DELIVERY_STATUSES.filter(isTerminalDeliveryStatus);

/**
 * An acceptance is recorded at most this long after its `accepted_at` (the provider's answer, ADR
 * 0057), or its write opens its reconciliation itself: the reconciler's walk in acceptance order
 * stays well behind this, so it never passes an acceptance not yet committed (ADR 0062).
 */
export const ACCEPTANCE_RECORDED_WITHIN_SECONDS = 10;

/** How long to wait, how often to ask and when to stop (RECONCILE_* settings). */
export interface ReconciliationPolicy {
  /** A delivery unchanged this long in a reconcilable status is looked up. */
  afterSeconds: number;
  /** The wait before the second lookup; each further one waits twice as long, up to maxRetrySeconds. */
  retrySeconds: number;
  maxRetrySeconds: number;
  /** Lookups of one delivery before giving up. */
  maxChecks: number;
}

/** What the provider answered to a lookup of one message or call. */
export type ProviderAnswer =
  /** Its current status, in the provider's words (Twilio MessageStatus / CallStatus). */
  | { kind: 'status'; providerStatus: string; errorCode?: string; answeredBy?: string; updatedAt?: Date }
  /** The provider does not know this id (Twilio: 404, code 20404). */
  | { kind: 'unknown' }
  /** No answer, or a refusal (5xx, 429…): nothing learned; `reason` for the logs. */
  | { kind: 'no_answer'; reason?: string };

export interface ReconciliationCheck {
  channel: (typeof RECONCILED_CHANNELS)[number];
  /** The delivery's status when it was claimed. */
  status: DeliveryStatus;
  /** This lookup's number, from 1. */
  check: number;
  answer: ProviderAnswer;
  now: Date;
}

/**
 * Why a reconciliation stopped, recorded on the delivery: it reported a final status (applied
 * as it was reported), or it gave up and the delivery keeps its status.
 */
export type ReconciliationEnd =
  | 'reported_final'
  /** The provider does not know the message: nothing can be said of it, and nothing is invented. */
  | 'unknown_at_provider'
  /** Every lookup went unanswered. */
  | 'provider_unreachable'
  /** The provider still had it queued or on its way at the last lookup. */
  | 'still_pending_at_provider';

export interface ReconciliationDecision {
  /** The status to report through the status-event path, as a callback would; null: nothing new. */
  report: StatusMapping | null;
  /** When to look it up again; null once it has ended. */
  askAgainAt: Date | null;
  ended: ReconciliationEnd | null;
}

/**
 * What one lookup's answer comes to. A final status is reported and ends it (the
 * monotonic rule still decides, as for a callback); a progress status is reported when it moves
 * the delivery forward, and it is asked again later; an unanswered lookup is asked again later; a
 * provider that does not know the id ends it at once: a delivery is never marked delivered, or
 * failed, on what nobody knows. Waits double from retrySeconds up to maxRetrySeconds; after
 * maxChecks lookups it gives up, with the last answer as the reason.
 */
export function decideReconciliation(check: ReconciliationCheck, policy: ReconciliationPolicy): ReconciliationDecision {
  const { answer } = check;
  if (answer.kind === 'unknown') return { report: null, askAgainAt: null, ended: 'unknown_at_provider' };
  const mapping = answer.kind === 'status' ? mapAnswer(check.channel, answer) : null;
  const report = mapping !== null && nextDeliveryStatus(check.status, mapping.status) !== null ? mapping : null;
  if (mapping !== null && isTerminalDeliveryStatus(mapping.status)) return { report, askAgainAt: null, ended: 'reported_final' };
  if (check.check >= policy.maxChecks) return { report, askAgainAt: null, ended: answer.kind === 'no_answer' ? 'provider_unreachable' : 'still_pending_at_provider' };
  return { report, askAgainAt: new Date(check.now.getTime() + reconciliationWaitSeconds(check.check, policy) * 1000), ended: null };
}

/** The wait after lookup number `check`: retrySeconds, doubled for each earlier lookup, at most maxRetrySeconds. */
export function reconciliationWaitSeconds(check: number, policy: ReconciliationPolicy): number {
  return Math.min(policy.maxRetrySeconds, policy.retrySeconds * 2 ** Math.max(0, Math.min(30, check - 1)));
}

function mapAnswer(channel: ReconciliationCheck['channel'], answer: Extract<ProviderAnswer, { kind: 'status' }>): StatusMapping | null {
  return channel === 'sms' ? mapTwilioMessageStatus(answer.providerStatus, answer.errorCode) : mapTwilioCallStatus(answer.providerStatus, answer.answeredBy);
}
