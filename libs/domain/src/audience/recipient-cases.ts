import { AlertKind, CategoryRule, Channel, SuppressionReason, Urgency } from '../vocabulary';
import type { MembershipStatus } from '../membership/membership-lifecycle';
import type { QuietHours, QuietHoursBehaviour } from './quiet-hours';
import { ContactFacts, MemberFacts, RecipientVerdict, recipientRule } from './recipient-decision';

/**
 * The recipient rule's case table. The domain's unit test holds the TypeScript rule to it, and an
 * integration test holds the SQL that plans deliveries in PostgreSQL to the same cases, so the
 * rule stays one rule wherever it is evaluated. Cases are plain data: the integration test turns
 * each into members, memberships, contact points and preferences.
 */

/** The targeted BINs of every case; a membership elsewhere is in OTHER_BIN. BINs of their own, so that nobody else is in the audience. */
export const CASE_BINS = ['case-target-a', 'case-target-b'] as const;
export const OTHER_BIN = 'case-other';

/** The member's standing towards the targeted BINs. */
export const STANDINGS = ['active', 'active_in_two', 'active_elsewhere', 'applied', 'refused', 'resigned'] as const;
export type StandingCase = (typeof STANDINGS)[number];

/** The member's contact point for the channel: none, unverified, verified, verified but STOPped, unverified and STOPped. */
export const CONTACTS = ['none', 'unverified', 'verified', 'stopped', 'unverified_stopped'] as const;
export type ContactCase = (typeof CONTACTS)[number];

export interface RecipientCase {
  alert: {
    rule: CategoryRule;
    urgency: Urgency;
    quietHours: QuietHoursBehaviour;
    kind: AlertKind;
    /** The expiry relative to `now` in ms (0: expires exactly now), or null for none. */
    expiresInMs: number | null;
  };
  member: {
    standing: StandingCase;
    isTestGroup: boolean;
    contact: ContactCase;
    preference: boolean | null;
    quietHours: QuietHours | null;
  };
  channel: Channel;
  now: Date;
}

/** Not in the audience (no row); a send now; a send held until the instant given; or the suppression reason. */
export type RecipientOutcome = 'not_in_audience' | 'send' | `held_until ${string}` | SuppressionReason;

/** Which original delivery an update or cancel finds, and what became of the member's contact since. */
export const ORIGINAL_DELIVERIES = ['accepted', 'delivered', 'sending', 'planned', 'failed', 'suppressed'] as const;
export type OriginalDeliveryCase = (typeof ORIGINAL_DELIVERIES)[number];
export const CONTACTS_SINCE = ['kept', 'stopped', 'erased'] as const;
export type ContactSinceCase = (typeof CONTACTS_SINCE)[number];

export interface FollowUpCase {
  alert: { rule: CategoryRule; urgency: Urgency; quietHours: QuietHoursBehaviour; expiresInMs: number | null };
  original: OriginalDeliveryCase;
  contactSince: ContactSinceCase;
  /** The member's preference for the category and channel since: a follow-up ignores it. */
  preferenceSince: boolean | null;
  memberQuietHours: QuietHours | null;
  channel: Channel;
  now: Date;
}

const NIGHT: QuietHours = { start: '22:00', end: '07:00' };
const LUNCH: QuietHours = { start: '12:00', end: '14:00' };
const EMPTY: QuietHours = { start: '08:00', end: '08:00' };

/** 23:30 in Brussels, winter (UTC+1): inside the night window, outside lunch. */
export const LATE_EVENING = new Date('2026-01-15T22:30:00.000Z');

/**
 * Instants the generated cases run at: before and after midnight, summer and winter, to the
 * millisecond. The windows' edges are in the hand-written table.
 */
export const CASE_INSTANTS = [
  LATE_EVENING,
  new Date('2026-07-01T03:15:00.000Z'), // 05:15 summer time: inside the night window, after midnight
  new Date('2026-01-15T11:30:20.123Z'), // 12:30:20.123: inside lunch
];

function held(until: string): RecipientOutcome {
  return `held_until ${new Date(until).toISOString()}`;
}

const base: RecipientCase = {
  alert: { rule: 'opt_out', urgency: 'normal', quietHours: 'respect', kind: 'actual', expiresInMs: null },
  member: { standing: 'active', isTestGroup: false, contact: 'verified', preference: null, quietHours: null },
  channel: 'sms',
  now: LATE_EVENING,
};

function variant(alert: Partial<RecipientCase['alert']>, member: Partial<RecipientCase['member']> = {}, now: Date = LATE_EVENING): RecipientCase {
  return { ...base, alert: { ...base.alert, ...alert }, member: { ...base.member, ...member }, now };
}

/** Hand-written cases with the outcome each must have: every dimension of the rule, one at a time and where they meet. */
export const RECIPIENT_TABLE: Array<[string, RecipientCase, RecipientOutcome]> = [
  // category rule × member choice × contact, as the original table had it
  ['mandatory, no choice', variant({ rule: 'mandatory' }), 'send'],
  ['mandatory, chose on', variant({ rule: 'mandatory' }, { preference: true }), 'send'],
  ['mandatory, chose off: sent anyway', variant({ rule: 'mandatory' }, { preference: false }), 'send'],
  ['mandatory, unverified contact', variant({ rule: 'mandatory' }, { contact: 'unverified', preference: true }), 'contact_not_verified'],
  ['mandatory, no contact point', variant({ rule: 'mandatory' }, { contact: 'none', preference: true }), 'no_contact_point'],
  ['opt-out, no choice', variant({ rule: 'opt_out' }), 'send'],
  ['opt-out, chose on', variant({ rule: 'opt_out' }, { preference: true }), 'send'],
  ['opt-out, chose off', variant({ rule: 'opt_out' }, { preference: false }), 'opted_out'],
  ['opt-out, unverified contact', variant({ rule: 'opt_out' }, { contact: 'unverified' }), 'contact_not_verified'],
  ['opt-out, no contact point', variant({ rule: 'opt_out' }, { contact: 'none', preference: false }), 'no_contact_point'],
  ['opt-in, no choice', variant({ rule: 'opt_in' }), 'not_opted_in'],
  ['opt-in, chose on', variant({ rule: 'opt_in' }, { preference: true }), 'send'],
  ['opt-in, chose off', variant({ rule: 'opt_in' }, { preference: false }), 'not_opted_in'],
  ['opt-in, unverified contact', variant({ rule: 'opt_in' }, { contact: 'unverified', preference: true }), 'contact_not_verified'],
  ['opt-in, no contact point', variant({ rule: 'opt_in' }, { contact: 'none', preference: true }), 'no_contact_point'],
  // STOP: nothing goes to a STOPped number, not even a mandatory message; an unverified contact says so first
  ['STOP, mandatory', variant({ rule: 'mandatory' }, { contact: 'stopped' }), 'stopped_by_recipient'],
  ['STOP, opt-out', variant({ rule: 'opt_out' }, { contact: 'stopped' }), 'stopped_by_recipient'],
  ['STOP, opt-in chose on', variant({ rule: 'opt_in' }, { contact: 'stopped', preference: true }), 'stopped_by_recipient'],
  ['STOP on an unverified contact', variant({}, { contact: 'unverified_stopped' }), 'contact_not_verified'],
  ['STOP, urgent', variant({ rule: 'mandatory', urgency: 'urgent' }, { contact: 'stopped' }), 'stopped_by_recipient'],
  // membership state
  ['an applicant is not a member yet', variant({}, { standing: 'applied' }), 'not_in_audience'],
  ['a refused applicant', variant({}, { standing: 'refused' }), 'not_in_audience'],
  ['a member who resigned', variant({}, { standing: 'resigned' }), 'not_in_audience'],
  ['a member of another BIN only', variant({}, { standing: 'active_elsewhere' }), 'not_in_audience'],
  ['a member of two targeted BINs: one row', variant({}, { standing: 'active_in_two' }), 'send'],
  // test and exercise alerts reach the test group only
  ['test alert, test group', variant({ kind: 'test' }, { isTestGroup: true }), 'send'],
  ['test alert, anyone else', variant({ kind: 'test' }), 'not_in_audience'],
  ['exercise, test group', variant({ kind: 'exercise' }, { isTestGroup: true }), 'send'],
  ['exercise, anyone else', variant({ kind: 'exercise' }), 'not_in_audience'],
  ['actual alert, test group member', variant({ kind: 'actual' }, { isTestGroup: true }), 'send'],
  ['test alert, test group member who resigned', variant({ kind: 'test' }, { isTestGroup: true, standing: 'resigned' }), 'not_in_audience'],
  ['test alert, test group, chose off', variant({ kind: 'test' }, { isTestGroup: true, preference: false }), 'opted_out'],
  // quiet hours × urgency × the category's behaviour
  ['normal alert inside quiet hours: held to 07:00', variant({}, { quietHours: NIGHT }), held('2026-01-16T06:00:00Z')],
  ['urgent alert inside quiet hours: now', variant({ urgency: 'urgent' }, { quietHours: NIGHT }), 'send'],
  ['overriding category inside quiet hours: now', variant({ quietHours: 'override' }, { quietHours: NIGHT }), 'send'],
  ['outside quiet hours', variant({}, { quietHours: LUNCH }), 'send'],
  ['an empty window holds nothing', variant({}, { quietHours: EMPTY }), 'send'],
  ['after midnight, summer time', variant({}, { quietHours: NIGHT }, new Date('2026-07-01T03:15:00Z')), held('2026-07-01T05:00:00Z')],
  ["at the window's start", variant({}, { quietHours: NIGHT }, new Date('2026-01-15T21:00:00Z')), held('2026-01-16T06:00:00Z')],
  ["at the window's end", variant({}, { quietHours: NIGHT }, new Date('2026-01-15T06:00:00Z')), 'send'],
  ['within a day, to the millisecond', variant({}, { quietHours: LUNCH }, new Date('2026-01-15T11:30:20.123Z')), held('2026-01-15T13:00:00Z')],
  ['quiet hours do not make a suppressed member sendable', variant({}, { quietHours: NIGHT, preference: false }), 'opted_out'],
  // expiry
  ['expired a second ago', variant({ expiresInMs: -1000 }), 'expired'],
  ['expiring exactly now', variant({ expiresInMs: 0 }), 'expired'],
  ['expiring later', variant({ expiresInMs: 60_000 }), 'send'],
  ['expired, and would have been held: expired', variant({ expiresInMs: -1000 }, { quietHours: NIGHT }), 'expired'],
  ['expired, but suppressed anyway: the first reason stays', variant({ expiresInMs: -1000 }, { contact: 'none' }), 'no_contact_point'],
  ['expired, opted out', variant({ expiresInMs: -1000 }, { preference: false }), 'opted_out'],
  // the other channels follow the same rule on their own contact point
  ['e-mail, verified', { ...variant({}), channel: 'email' }, 'send'],
  ['voice, no phone', { ...variant({}, { contact: 'none' }), channel: 'voice' }, 'no_contact_point'],
  ['e-mail, opted out', { ...variant({}, { preference: false }), channel: 'email' }, 'opted_out'],
];

/** Every combination of the dimensions above (on SMS, where STOP exists), for agreement between evaluators. */
export function everyRecipientCase(): RecipientCase[] {
  const cases: RecipientCase[] = [];
  const windows = [null, NIGHT, LUNCH, EMPTY];
  for (const now of CASE_INSTANTS)
    for (const rule of ['mandatory', 'opt_out', 'opt_in'] as const)
      for (const urgency of ['urgent', 'normal'] as const)
        for (const quietHours of ['respect', 'override'] as const)
          for (const kind of ['actual', 'test', 'exercise'] as const)
            for (const expiresInMs of [null, 0, 60_000])
              for (const standing of STANDINGS)
                for (const isTestGroup of [false, true])
                  for (const contact of CONTACTS)
                    for (const preference of [null, true, false])
                      for (const memberQuietHours of windows) {
                        cases.push({
                          alert: { rule, urgency, quietHours, kind, expiresInMs },
                          member: { standing, isTestGroup, contact, preference, quietHours: memberQuietHours },
                          channel: 'sms',
                          now,
                        });
                      }
  return cases;
}

/** The memberships a standing stands for. */
export function membershipsOf(standing: StandingCase): Array<{ binId: string; status: MembershipStatus }> {
  switch (standing) {
    case 'active':
      return [{ binId: CASE_BINS[0], status: 'active' }];
    case 'active_in_two':
      return [
        { binId: CASE_BINS[0], status: 'active' },
        { binId: CASE_BINS[1], status: 'active' },
      ];
    case 'active_elsewhere':
      return [{ binId: OTHER_BIN, status: 'active' }];
    case 'applied':
    case 'refused':
    case 'resigned':
      return [{ binId: CASE_BINS[0], status: standing }];
  }
}

function expiresAt(now: Date, expiresInMs: number | null): Date | null {
  return expiresInMs === null ? null : new Date(now.getTime() + expiresInMs);
}

function outcomeOf(verdict: RecipientVerdict): RecipientOutcome {
  switch (verdict.outcome) {
    case 'outside_audience':
      return 'not_in_audience';
    case 'send':
      return 'send';
    case 'defer':
      return `held_until ${verdict.until.toISOString()}`;
    case 'suppress':
      return verdict.reason;
  }
}

function contactOf(contact: ContactCase): ContactFacts | undefined {
  if (contact === 'none') return undefined;
  return { id: 'contact', verified: contact === 'verified' || contact === 'stopped', optedOut: contact.endsWith('stopped') };
}

/** A case's member as a repository would state the facts: unfiltered, the rule decides. */
export function memberFactsOf(c: RecipientCase): MemberFacts {
  const contact = contactOf(c.member.contact);
  return {
    memberId: 'member',
    language: 'nl',
    memberships: membershipsOf(c.member.standing),
    isTestGroup: c.member.isTestGroup,
    contacts: contact ? { [c.channel]: contact } : {},
    choices: c.member.preference === null ? {} : { [c.channel]: c.member.preference },
    quietHours: c.member.quietHours,
  };
}

/** The TypeScript rule's answer for a case. */
export function decideCase(c: RecipientCase): RecipientOutcome {
  const alert = { ...c.alert, binIds: CASE_BINS, followUp: false, expiresAt: expiresAt(c.now, c.alert.expiresInMs) };
  return outcomeOf(recipientRule(memberFactsOf(c), alert, c.channel, c.now));
}

const followUpBase: FollowUpCase = {
  alert: { rule: 'opt_in', urgency: 'normal', quietHours: 'respect', expiresInMs: null },
  original: 'accepted',
  contactSince: 'kept',
  preferenceSince: false,
  memberQuietHours: null,
  channel: 'sms',
  now: LATE_EVENING,
};

function followUp(over: Partial<Omit<FollowUpCase, 'alert'>>, alert: Partial<FollowUpCase['alert']> = {}): FollowUpCase {
  return { ...followUpBase, ...over, alert: { ...followUpBase.alert, ...alert } };
}

/** Updates and cancels: exactly the original's recipients, whatever they chose since; STOP and erasure still stop them. */
export const FOLLOW_UP_TABLE: Array<[string, FollowUpCase, RecipientOutcome]> = [
  ['the original was accepted: sent, whatever was chosen since', followUp({}), 'send'],
  ['the original was delivered', followUp({ original: 'delivered' }), 'send'],
  ['the original is being sent right now', followUp({ original: 'sending' }), 'send'],
  ['the original was never sent', followUp({ original: 'planned' }), 'not_in_audience'],
  ['the original failed', followUp({ original: 'failed' }), 'not_in_audience'],
  ['the original was suppressed', followUp({ original: 'suppressed' }), 'not_in_audience'],
  ['STOP since', followUp({ contactSince: 'stopped' }), 'stopped_by_recipient'],
  ['contact point erased since (resigned)', followUp({ contactSince: 'erased' }), 'no_contact_point'],
  ['expired follow-up', followUp({}, { expiresInMs: -1 }), 'expired'],
  ['a follow-up is not held by quiet hours', followUp({ memberQuietHours: NIGHT }), 'send'],
];

export function everyFollowUpCase(): FollowUpCase[] {
  const cases: FollowUpCase[] = [];
  for (const now of CASE_INSTANTS)
    for (const urgency of ['urgent', 'normal'] as const)
      for (const quietHours of ['respect', 'override'] as const)
        for (const expiresInMs of [null, 0, 60_000])
          for (const original of ORIGINAL_DELIVERIES)
            for (const contactSince of CONTACTS_SINCE)
              for (const preferenceSince of [null, true, false])
                for (const memberQuietHours of [null, NIGHT, LUNCH]) {
                  cases.push({ alert: { rule: 'opt_in', urgency, quietHours, expiresInMs }, original, contactSince, preferenceSince, memberQuietHours, channel: 'sms', now });
                }
  return cases;
}

/** The TypeScript rule's answer for a follow-up case. */
export function decideFollowUpCase(c: FollowUpCase): RecipientOutcome {
  const original = {
    status: c.original,
    accepted: c.original === 'accepted' || c.original === 'delivered',
    language: 'nl' as const,
    contact: c.contactSince === 'erased' ? null : { id: 'contact', verified: true, optedOut: c.contactSince === 'stopped' },
  };
  // Today's memberships, choices and quiet hours are facts too: a follow-up must not heed them.
  const facts: MemberFacts = {
    memberId: 'member',
    language: 'nl',
    memberships: [],
    isTestGroup: false,
    contacts: {},
    choices: c.preferenceSince === null ? {} : { [c.channel]: c.preferenceSince },
    quietHours: c.memberQuietHours,
    originals: { [c.channel]: original },
  };
  const alert = { ...c.alert, kind: 'actual' as const, binIds: CASE_BINS, followUp: true, expiresAt: expiresAt(c.now, c.alert.expiresInMs) };
  return outcomeOf(recipientRule(facts, alert, c.channel, c.now));
}
