import { AudienceCandidate, MemberFacts, RecipientAlert, decideFollowUpRecipient, decideRecipient, inAudience, recipientRule } from './recipient-decision';
import { FOLLOW_UP_TABLE, RECIPIENT_TABLE, decideCase, decideFollowUpCase, everyFollowUpCase, everyRecipientCase } from './recipient-cases';
import { CategoryRule } from '../vocabulary';

const candidate = (over: Partial<AudienceCandidate> = {}): AudienceCandidate => ({
  memberId: 'm-1',
  language: 'nl',
  channel: 'sms',
  contact: { id: 'c-1', verified: true },
  preference: null,
  ...over,
});

const verified = { id: 'c-1', verified: true };
const unverified = { id: 'c-1', verified: false };

describe('decideRecipient', () => {
  // rule, contact, preference → expected outcome ('send' or the suppression reason)
  const table: Array<[CategoryRule, AudienceCandidate['contact'], boolean | null, string]> = [
    ['mandatory', verified, null, 'send'],
    ['mandatory', verified, true, 'send'],
    ['mandatory', verified, false, 'send'],
    ['mandatory', unverified, true, 'contact_not_verified'],
    ['mandatory', null, true, 'no_contact_point'],
    ['opt_out', verified, null, 'send'],
    ['opt_out', verified, true, 'send'],
    ['opt_out', verified, false, 'opted_out'],
    ['opt_out', unverified, null, 'contact_not_verified'],
    ['opt_out', null, false, 'no_contact_point'],
    ['opt_in', verified, null, 'not_opted_in'],
    ['opt_in', verified, true, 'send'],
    ['opt_in', verified, false, 'not_opted_in'],
    ['opt_in', unverified, true, 'contact_not_verified'],
    ['opt_in', null, true, 'no_contact_point'],
  ];

  it.each(table)('%s with contact %j and preference %s → %s', (rule, contact, preference, expected) => {
    const decision = decideRecipient(candidate({ contact, preference }), rule);
    expect(decision.send ? 'send' : decision.reason).toBe(expected);
  });

  it.each(['mandatory', 'opt_out', 'opt_in'] as CategoryRule[])('never sends to a contact that replied STOP (%s)', (rule) => {
    const decision = decideRecipient(candidate({ contact: { id: 'c-1', verified: true, optedOut: true }, preference: true }), rule);
    expect(decision).toMatchObject({ send: false, reason: 'stopped_by_recipient' });
  });

  it('carries the contact, channel and language of the member it decides to send to', () => {
    const decision = decideRecipient(candidate({ language: 'fr', channel: 'voice' }), 'mandatory');
    expect(decision).toEqual({ send: true, memberId: 'm-1', channel: 'voice', contactId: 'c-1', language: 'fr' });
  });
});

describe('decideFollowUpRecipient', () => {
  const reached = { memberId: 'm1', language: 'fr' as const, channel: 'sms' as const, contact: { id: 'c1', verified: true }, preference: false };
  it('sends to an original recipient whatever they chose since', () => {
    expect(decideFollowUpRecipient(reached)).toEqual({ send: true, memberId: 'm1', channel: 'sms', contactId: 'c1', language: 'fr' });
  });
  it('honours a STOP given since', () => {
    expect(decideFollowUpRecipient({ ...reached, contact: { id: 'c1', verified: true, optedOut: true } })).toMatchObject({ send: false, reason: 'stopped_by_recipient' });
  });
  it('cannot reach a contact point that was erased', () => {
    expect(decideFollowUpRecipient({ ...reached, contact: null })).toMatchObject({ send: false, reason: 'no_contact_point' });
  });
});

describe('the planning rule, case by case (recipient-cases.ts; the SQL planner is held to the same table)', () => {
  it.each(RECIPIENT_TABLE)('%s', (_name, c, expected) => {
    expect(decideCase(c)).toBe(expected);
  });

  it.each(FOLLOW_UP_TABLE)('follow-up: %s', (_name, c, expected) => {
    expect(decideFollowUpCase(c)).toBe(expected);
  });

  it('has an answer for every combination of its dimensions', () => {
    const outcomes = new Set([...everyRecipientCase().map(decideCase), ...everyFollowUpCase().map(decideFollowUpCase)]);
    expect([...outcomes].filter((o) => !o.startsWith('held_until')).sort()).toEqual(
      ['contact_not_verified', 'expired', 'no_contact_point', 'not_in_audience', 'not_opted_in', 'opted_out', 'send', 'stopped_by_recipient'].sort(),
    );
  });
});

describe('inAudience', () => {
  const alert = { binIds: ['herdersem'], kind: 'actual' as const };
  it('takes active members of a targeted BIN only', () => {
    expect(inAudience({ memberships: [{ binId: 'herdersem', status: 'active' }], isTestGroup: false }, alert)).toBe(true);
    expect(
      inAudience(
        {
          memberships: [
            { binId: 'herdersem', status: 'resigned' },
            { binId: 'arend', status: 'active' },
          ],
          isTestGroup: false,
        },
        alert,
      ),
    ).toBe(false);
  });
  it('takes only the test group for a test or an exercise', () => {
    const member = { memberships: [{ binId: 'herdersem', status: 'active' as const }], isTestGroup: false };
    expect(inAudience(member, { ...alert, kind: 'exercise' })).toBe(false);
    expect(inAudience({ ...member, isTestGroup: true }, { ...alert, kind: 'test' })).toBe(true);
  });
});

describe('recipientRule', () => {
  const alert: RecipientAlert = { kind: 'actual', binIds: ['herdersem'], rule: 'opt_out', urgency: 'normal', quietHours: 'respect', followUp: false, expiresAt: null };
  const facts: MemberFacts = {
    memberId: 'm-1',
    language: 'fr',
    memberships: [{ binId: 'herdersem', status: 'active' }],
    isTestGroup: false,
    contacts: { sms: { id: 'mobile-1', verified: true }, email: { id: 'email-1', verified: false } },
    choices: { voice: false },
    quietHours: { start: '22:00', end: '07:00' },
  };
  const lateEvening = new Date('2026-01-15T22:30:00Z');

  it('decides each channel on its own contact point and choice', () => {
    expect(recipientRule(facts, alert, 'sms', lateEvening)).toEqual({ outcome: 'defer', until: new Date('2026-01-16T06:00:00Z'), contactId: 'mobile-1', language: 'fr' });
    expect(recipientRule(facts, alert, 'email', lateEvening)).toEqual({ outcome: 'suppress', reason: 'contact_not_verified' });
    expect(recipientRule(facts, alert, 'voice', lateEvening)).toEqual({ outcome: 'suppress', reason: 'no_contact_point' });
    expect(recipientRule({ ...facts, contacts: { voice: { id: 'phone-1', verified: true } } }, alert, 'voice', lateEvening)).toEqual({ outcome: 'suppress', reason: 'opted_out' });
  });

  it('suppresses as expired what would have been held for quiet hours', () => {
    expect(recipientRule(facts, { ...alert, expiresAt: lateEvening }, 'sms', lateEvening)).toEqual({ outcome: 'suppress', reason: 'expired' });
  });

  it('knows an update or cancel only by the original delivery, at its contact point and in its language', () => {
    const followUp = { ...alert, followUp: true };
    const original = { status: 'delivered', accepted: true, language: 'de' as const, contact: { id: 'mobile-0', verified: true } };
    expect(recipientRule({ ...facts, memberships: [], originals: { sms: original } }, followUp, 'sms', lateEvening)).toEqual({
      outcome: 'send',
      contactId: 'mobile-0',
      language: 'de',
    });
    expect(recipientRule(facts, followUp, 'sms', lateEvening)).toEqual({ outcome: 'outside_audience' });
  });
});
