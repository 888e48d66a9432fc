import { DeliveryStatus, Language } from '../vocabulary';
import { isTerminalDeliveryStatus } from '../delivery/delivery-state';
import { MemberFacts, RecipientAlert, recipientRule } from './recipient-decision';

/**
 * The channels an urgent alert falls back to when a member's SMS ends failed or undelivered, in
 * order (ADR 0031): a call is heard at once, an e-mail may wait in an inbox.
 */
export const FALLBACK_CHANNELS = ['voice', 'email'] as const;
export type FallbackChannel = (typeof FALLBACK_CHANNELS)[number];

/** Why a delivery exists: planned for the alert's audience (null), or a fallback for a failed SMS. */
export const DELIVERY_ORIGINS = ['fallback_from_sms'] as const;
export type DeliveryOrigin = (typeof DELIVERY_ORIGINS)[number];

/** The SMS statuses after which the member was not reached and never will be by that SMS. */
export const SMS_FAILURES = ['failed', 'undelivered'] as const satisfies readonly DeliveryStatus[];

/**
 * Why a failed SMS got no fallback, recorded on the SMS delivery so that "why was X not called?"
 * has an answer:
 *   not_urgent           a normal alert: its members wait for the next one
 *   too_late             the SMS ended longer than FALLBACK_WINDOW_MS ago (a sweep that was
 *                        down, SMS that failed before the fallback existed): news by then
 *   cancelled            the alert was cancelled ("person found") since
 *   already_reached      the member gets this alert on another channel already
 *   outside_audience     no longer an active member of the alert's BINs
 *   expired              the alert expired meanwhile
 *   no_fallback_contact  no verified phone for calls nor e-mail left untried (or STOP)
 */
export const FALLBACK_SKIP_REASONS = ['not_urgent', 'too_late', 'cancelled', 'already_reached', 'outside_audience', 'expired', 'no_fallback_contact'] as const;
export type FallbackSkipReason = (typeof FALLBACK_SKIP_REASONS)[number];

/** What the SMS delivery records once its fallback is decided: the channel, or why none. */
export type FallbackOutcome = FallbackChannel | FallbackSkipReason;

/** How long after its SMS ended a member still gets the fallback: as long as an urgent SMS stays valid. */
export const FALLBACK_WINDOW_MS = 60 * 60 * 1000;

export interface FallbackFacts {
  /** When the SMS delivery reached its failure. */
  smsEndedAt: Date;
  alert: RecipientAlert & { cancelled: boolean };
  member: MemberFacts;
  /** This alert's deliveries to the member on the fallback channels, as they are now; absent where none was written yet. */
  others: Partial<Record<FallbackChannel, { status: DeliveryStatus }>>;
}

export type FallbackDecision = { channel: FallbackChannel; contactId: string; language: Language; deferredUntil: Date | null } | { channel: null; reason: FallbackSkipReason };

/** A delivery that is on its way to the member or got there: anything neither suppressed nor ended in failure. */
function reaches(status: DeliveryStatus): boolean {
  return status !== 'suppressed' && !(isTerminalDeliveryStatus(status) && status !== 'delivered');
}

/**
 * The channel fallback for one member whose SMS of an alert ended failed or undelivered:
 *   not an urgent alert, too late, or cancelled      → none
 *   another channel already reaches the member       → none (already_reached)
 *   then voice, then e-mail, skipping a channel this alert already tried (a delivery that ended
 *   in failure: the unique (alert, member, channel) row cannot be sent twice), each decided by
 *   the recipient rule with the category made mandatory for it: the member asked for this alert
 *   by SMS, so their choice of channels for the category yields, but nothing else does —
 *   membership, test group, a verified contact point, STOP and expiry hold as for any delivery.
 */
export function fallbackChannelFor(facts: FallbackFacts, now: Date): FallbackDecision {
  const none = (reason: FallbackSkipReason): FallbackDecision => ({ channel: null, reason });
  if (facts.alert.urgency !== 'urgent') return none('not_urgent');
  if (now.getTime() - facts.smsEndedAt.getTime() > FALLBACK_WINDOW_MS) return none('too_late');
  if (facts.alert.cancelled) return none('cancelled');
  if (
    FALLBACK_CHANNELS.some((c) => {
      const other = facts.others[c];
      return other !== undefined && reaches(other.status);
    })
  )
    return none('already_reached');

  const alert: RecipientAlert = { ...facts.alert, rule: 'mandatory', followUp: false };
  for (const channel of FALLBACK_CHANNELS) {
    const other = facts.others[channel];
    if (other && other.status !== 'suppressed') continue;
    const verdict = recipientRule(facts.member, alert, channel, now);
    switch (verdict.outcome) {
      case 'outside_audience':
        return none('outside_audience');
      case 'suppress':
        if (verdict.reason === 'expired') return none('expired');
        continue;
      case 'send':
        return { channel, contactId: verdict.contactId, language: verdict.language, deferredUntil: null };
      case 'defer':
        return { channel, contactId: verdict.contactId, language: verdict.language, deferredUntil: verdict.until };
    }
  }
  return none('no_fallback_contact');
}
