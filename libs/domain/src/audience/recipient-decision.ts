import { AlertKind, CategoryRule, Channel, Language, SuppressionReason, Urgency } from '../vocabulary';
import { reachesTestGroupOnly } from '../lifecycle/alert-lifecycle';
import type { MembershipStatus } from '../membership/membership-lifecycle';
import { QuietHours, QuietHoursBehaviour, quietHoursDeferral } from './quiet-hours';

/** What the audience query knows about one member for one channel of one alert. */
export interface AudienceCandidate {
  memberId: string;
  language: Language;
  channel: Channel;
  /** The member's contact point for this channel, if they registered one. */
  contact: { id: string; verified: boolean; optedOut?: boolean } | null;
  /** The member's explicit choice for (category, channel); null when they never chose. */
  preference: boolean | null;
  /** The member's quiet hours, if they set any. */
  quietHours?: QuietHours | null;
}

export type RecipientDecision =
  | {
      send: true;
      memberId: string;
      channel: Channel;
      contactId: string;
      language: Language;
      /** Held until then for the member's quiet hours (see quiet-hours.ts); absent: send now. */
      deferredUntil?: Date;
    }
  | { send: false; memberId: string; channel: Channel; reason: SuppressionReason };

/**
 * The preference rule, total and explicit:
 *   no contact point           → suppressed (no_contact_point)
 *   contact not verified       → suppressed (contact_not_verified)
 *   contact replied STOP       → suppressed (stopped_by_recipient), even when mandatory: the
 *                                provider refuses every message to it until START
 *   mandatory                  → sent, whatever the member chose
 *   opt_out, chose "off"       → suppressed (opted_out)
 *   opt_out, otherwise         → sent
 *   opt_in, chose "on"         → sent
 *   opt_in, otherwise          → suppressed (not_opted_in)
 * Contact checks come first so that the recorded reason is the one a person can act on.
 */
export function decideRecipient(candidate: AudienceCandidate, rule: CategoryRule): RecipientDecision {
  const { memberId, channel } = candidate;
  const suppress = (reason: SuppressionReason): RecipientDecision => ({ send: false, memberId, channel, reason });

  if (!candidate.contact) return suppress('no_contact_point');
  if (!candidate.contact.verified) return suppress('contact_not_verified');
  if (candidate.contact.optedOut) return suppress('stopped_by_recipient');

  const send: RecipientDecision = {
    send: true,
    memberId,
    channel,
    contactId: candidate.contact.id,
    language: candidate.language,
  };
  switch (rule) {
    case 'mandatory':
      return send;
    case 'opt_out':
      return candidate.preference === false ? suppress('opted_out') : send;
    case 'opt_in':
      return candidate.preference === true ? send : suppress('not_opted_in');
  }
}

/**
 * An update or cancel goes to exactly the members the original reached, on the channels it
 * reached them on, whatever their preferences, memberships or the category rule say now
 * (ADR 0008). Two things still stop it: the contact point is gone (erased on resignation), and
 * the member replied STOP to our SMS number since: STOP is the member's legal word, and the
 * provider refuses every message to the number until START anyway.
 */
export function decideFollowUpRecipient(candidate: AudienceCandidate): RecipientDecision {
  const { memberId, channel } = candidate;
  if (!candidate.contact) return { send: false, memberId, channel, reason: 'no_contact_point' };
  if (candidate.contact.optedOut) return { send: false, memberId, channel, reason: 'stopped_by_recipient' };
  return { send: true, memberId, channel, contactId: candidate.contact.id, language: candidate.language };
}

/** What decides whether a member is in an alert's audience at all (no delivery row otherwise). */
export interface MemberStanding {
  memberships: ReadonlyArray<{ binId: string; status: MembershipStatus }>;
  isTestGroup: boolean;
}

/**
 * The audience of an alert: members with an active membership of one of its BINs (applied,
 * refused and resigned ones are not members yet or any more), only the test group for a test or
 * exercise. A member of two targeted BINs is one member. Updates and cancels do not use this:
 * their audience is the original's recipients (decideFollowUpRecipient).
 */
export function inAudience(member: MemberStanding, alert: { binIds: readonly string[]; kind: AlertKind }): boolean {
  if (reachesTestGroupOnly(alert.kind) && !member.isTestGroup) return false;
  return member.memberships.some((m) => m.status === 'active' && alert.binIds.includes(m.binId));
}

/**
 * Whether the original alert reached a member on a channel, so that its update or cancel goes to
 * them (ADR 0008): the delivery got to the provider, or is being handed to it right now (its job is
 * ahead of the follow-up's on the member's partition). Planned, failed or suppressed ones did not.
 */
export function reachedByOriginal(delivery: { status: string; accepted: boolean }): boolean {
  return delivery.accepted || delivery.status === 'sending';
}

/** What the planning of one alert on one channel knows about the alert. */
export interface PlanningAlert {
  rule: CategoryRule;
  urgency: Urgency;
  /** The category's quiet-hours behaviour. */
  quietHours: QuietHoursBehaviour;
  /** An update or cancel: its audience is the original's recipients. */
  followUp: boolean;
  expiresAt: Date | null;
}

/** An alert is expired from its expiry on: at that very instant nothing more is planned to send. */
export function alertExpired(expiresAt: Date | null, now: Date): boolean {
  return expiresAt !== null && expiresAt.getTime() <= now.getTime();
}

/**
 * The whole decision for one member of the audience, as planning records it:
 *   the recipient rule (decideRecipient, or decideFollowUpRecipient for an update or cancel)
 *   → a send inside the member's quiet hours is held until they end (deferredUntil)
 *   → a send planned at or after the alert's expiry is suppressed as expired instead (a backlog,
 *     a dispatcher down): recorded, never sent.
 * PostgreSQL evaluates the same rule when it plans (libs/persistence planning.repository.ts);
 * recipient-cases.ts is the table both are held to.
 */
export function planDelivery(candidate: AudienceCandidate, alert: PlanningAlert, now: Date): RecipientDecision {
  const decision = alert.followUp ? decideFollowUpRecipient(candidate) : decideRecipient(candidate, alert.rule);
  if (!decision.send) return decision;
  if (alertExpired(alert.expiresAt, now)) {
    return { send: false, memberId: decision.memberId, channel: decision.channel, reason: 'expired' };
  }
  const until = quietHoursDeferral(candidate.quietHours, alert.urgency, alert.quietHours, now);
  return until ? { ...decision, deferredUntil: until } : decision;
}
