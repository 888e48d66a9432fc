import { AlertKind, CategoryRule, Channel, Language, SuppressionReason, Urgency } from '../vocabulary';
import { reachesTestGroupOnly } from '../lifecycle/alert-lifecycle';
import type { MembershipStatus } from '../membership/membership-lifecycle';
import { QuietHours, QuietHoursBehaviour, quietHoursDeferral } from './quiet-hours';

/** One member on one channel, as the preference rule needs it. */
export interface AudienceCandidate {
  memberId: string;
  language: Language;
  channel: Channel;
  /** The member's contact point for this channel, if they registered one. */
  contact: ContactFacts | null;
  /** The member's explicit choice for (category, channel); null when they never chose. */
  preference: boolean | null;
}

export type RecipientDecision =
  | {
      send: true;
      memberId: string;
      channel: Channel;
      contactId: string;
      language: Language;
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

/** An alert as the recipient rule sees it. */
export interface RecipientAlert {
  kind: AlertKind;
  binIds: readonly string[];
  rule: CategoryRule;
  urgency: Urgency;
  /** The category's quiet-hours behaviour. */
  quietHours: QuietHoursBehaviour;
  /** An update or cancel: its audience is the original's recipients. */
  followUp: boolean;
  expiresAt: Date | null;
}

/** A member's contact point for a channel, as it is now. */
export interface ContactFacts {
  id: string;
  verified: boolean;
  /** The number replied STOP (SMS). */
  optedOut?: boolean;
}

/**
 * What the original alert's delivery to a member on a channel became, and where it went: an
 * update or cancel knows the member by it (ADR 0008). `contact` is that contact point as it is
 * now (null once erased).
 */
export interface OriginalDelivery {
  status: string;
  accepted: boolean;
  language: Language;
  contact: ContactFacts | null;
}

/**
 * Everything known about one member for one alert, unfiltered: repositories return these facts
 * and the rule decides (or, where PostgreSQL plans, SQL held to the same case table decides).
 */
export interface MemberFacts {
  memberId: string;
  language: Language;
  memberships: ReadonlyArray<{ binId: string; status: MembershipStatus }>;
  isTestGroup: boolean;
  /** The member's contact point per channel; absent where they registered none. */
  contacts: Partial<Record<Channel, ContactFacts>>;
  /** The member's explicit choice for the alert's category per channel; absent where they never chose. */
  choices: Partial<Record<Channel, boolean>>;
  quietHours: QuietHours | null;
  /** For an update or cancel: the original's delivery per channel; absent where it had none. */
  originals?: Partial<Record<Channel, OriginalDelivery>>;
}

/**
 * The recipient rule's answer for one member, alert and channel: no delivery at all (outside the
 * audience), a send now, a send held until the member's quiet hours end, or a suppression with
 * the reason recorded on the delivery.
 */
export type RecipientVerdict =
  | { outcome: 'outside_audience' }
  | { outcome: 'send'; contactId: string; language: Language }
  | { outcome: 'defer'; until: Date; contactId: string; language: Language }
  | { outcome: 'suppress'; reason: SuppressionReason };

/** An alert is expired from its expiry on: at that very instant nothing more is planned to send. */
export function alertExpired(expiresAt: Date | null, now: Date): boolean {
  return expiresAt !== null && expiresAt.getTime() <= now.getTime();
}

/**
 * The recipient rule, total: every member, alert, channel and instant has exactly one answer.
 *   audience: a new alert's is inAudience (active membership of a targeted BIN; the test group
 *             only for a test or exercise), an update's or cancel's reachedByOriginal
 *   → the preference rule (decideRecipient), or for an update or cancel decideFollowUpRecipient
 *   → a send planned at or after the alert's expiry is suppressed as expired instead (a backlog,
 *     a dispatcher down): recorded, never sent
 *   → a send inside the member's quiet hours is held until they end (quiet-hours.ts); a
 *     follow-up is not held: the original's delivery carries no quiet hours (ADR 0016).
 * PostgreSQL evaluates a transcription of it when it plans (libs/persistence
 * planning.repository.ts); recipient-cases.ts is the table both are held to.
 */
export function recipientRule(facts: MemberFacts, alert: RecipientAlert, channel: Channel, now: Date): RecipientVerdict {
  let decision: RecipientDecision;
  let quietHours: QuietHours | null = facts.quietHours;
  if (alert.followUp) {
    const original = facts.originals?.[channel];
    if (!original || !reachedByOriginal(original)) return { outcome: 'outside_audience' };
    quietHours = null;
    decision = decideFollowUpRecipient({ memberId: facts.memberId, language: original.language, channel, contact: original.contact, preference: null });
  } else {
    if (!inAudience(facts, alert)) return { outcome: 'outside_audience' };
    const candidate: AudienceCandidate = {
      memberId: facts.memberId,
      language: facts.language,
      channel,
      contact: facts.contacts[channel] ?? null,
      preference: facts.choices[channel] ?? null,
    };
    decision = decideRecipient(candidate, alert.rule);
  }
  if (!decision.send) return { outcome: 'suppress', reason: decision.reason };
  if (alertExpired(alert.expiresAt, now)) return { outcome: 'suppress', reason: 'expired' };
  const until = quietHoursDeferral(quietHours, alert.urgency, alert.quietHours, now);
  const { contactId, language } = decision;
  return until ? { outcome: 'defer', until, contactId, language } : { outcome: 'send', contactId, language };
}
