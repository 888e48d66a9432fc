import { FALLBACK_WINDOW_MS, FallbackFacts, fallbackChannelFor } from './channel-fallback';
import { ContactFacts, MemberFacts } from './recipient-decision';
import type { DeliveryStatus } from '../vocabulary';

const now = new Date('2026-03-01T02:00:00Z');
const phone: ContactFacts = { id: 'phone-1', verified: true };
const email: ContactFacts = { id: 'email-1', verified: true };

const member = (over: Partial<MemberFacts> = {}): MemberFacts => ({
  memberId: 'm-1',
  language: 'fr',
  memberships: [{ binId: 'herdersem', status: 'active' }],
  isTestGroup: false,
  contacts: { sms: { id: 'mobile-1', verified: true }, voice: phone, email },
  // The member turned calls and e-mail off for the category: the fallback overrides that choice.
  choices: { voice: false, email: false },
  // Quiet hours never hold an urgent alert, its fallback neither.
  quietHours: { start: '22:00', end: '07:00' },
  ...over,
});

const facts = (over: { smsEndedAt?: Date; alert?: Partial<FallbackFacts['alert']>; member?: Partial<MemberFacts>; others?: FallbackFacts['others'] } = {}): FallbackFacts => ({
  smsEndedAt: over.smsEndedAt ?? new Date(now.getTime() - 60_000),
  alert: { kind: 'actual', binIds: ['herdersem'], rule: 'opt_out', urgency: 'urgent', quietHours: 'respect', followUp: false, expiresAt: null, cancelled: false, ...over.alert },
  member: member(over.member),
  others: over.others ?? {},
});

const outcome = (f: FallbackFacts): string => {
  const decision = fallbackChannelFor(f, now);
  return decision.channel ? `${decision.channel}:${decision.contactId}` : decision.reason;
};

const ended = (status: DeliveryStatus) => ({ status });

describe('fallbackChannelFor', () => {
  const table: Array<[string, FallbackFacts, string]> = [
    ['a verified phone for calls: a call, whatever the member chose for the category', facts(), 'voice:phone-1'],
    ['no phone for calls: the e-mail', facts({ member: { contacts: { email } } }), 'email:email-1'],
    ['an unconfirmed phone: the e-mail', facts({ member: { contacts: { voice: { ...phone, verified: false }, email } } }), 'email:email-1'],
    ['neither confirmed', facts({ member: { contacts: { voice: { ...phone, verified: false }, email: { ...email, verified: false } } } }), 'no_fallback_contact'],
    ['no contact at all but the mobile (or erased)', facts({ member: { contacts: {} } }), 'no_fallback_contact'],
    ['a normal alert', facts({ alert: { urgency: 'normal' } }), 'not_urgent'],
    ['the SMS ended just within the window', facts({ smsEndedAt: new Date(now.getTime() - FALLBACK_WINDOW_MS) }), 'voice:phone-1'],
    ['the SMS ended longer ago than an urgent SMS stays valid', facts({ smsEndedAt: new Date(now.getTime() - FALLBACK_WINDOW_MS - 1) }), 'too_late'],
    ['cancelled since ("person found")', facts({ alert: { cancelled: true } }), 'cancelled'],
    ['expired since', facts({ alert: { expiresAt: new Date(now.getTime() - 1) } }), 'expired'],
    ['resigned since', facts({ member: { memberships: [{ binId: 'herdersem', status: 'resigned' }] } }), 'outside_audience'],
    ['an exercise reaches the test group only', facts({ alert: { kind: 'exercise' } }), 'outside_audience'],
    ['an exercise, test group member', facts({ alert: { kind: 'exercise' }, member: { isTestGroup: true } }), 'voice:phone-1'],
    ['already getting the e-mail for this alert', facts({ others: { email: ended('accepted') } }), 'already_reached'],
    ['already called and reached', facts({ others: { voice: ended('delivered') } }), 'already_reached'],
    ['a call still planned', facts({ others: { voice: ended('planned') } }), 'already_reached'],
    ['the call was suppressed at planning (calls off): called now', facts({ others: { voice: ended('suppressed'), email: ended('suppressed') } }), 'voice:phone-1'],
    ['the call failed already: the e-mail', facts({ others: { voice: ended('no_answer'), email: ended('suppressed') } }), 'email:email-1'],
    ['the e-mail bounced already, no phone: nothing left', facts({ member: { contacts: { email } }, others: { email: ended('bounced') } }), 'no_fallback_contact'],
    ['both tried and failed', facts({ others: { voice: ended('busy'), email: ended('bounced') } }), 'no_fallback_contact'],
  ];

  it.each(table.map(([what, f, expected]) => [what, expected, f] as const))('%s → %s', (_, expected, f) => {
    expect(outcome(f)).toBe(expected);
  });

  it('writes the fallback in the member language, not held for quiet hours', () => {
    expect(fallbackChannelFor(facts(), now)).toEqual({ channel: 'voice', contactId: 'phone-1', language: 'fr', deferredUntil: null });
  });

  it('an update or cancel falls back like its alert: to the active members of its BINs', () => {
    expect(outcome(facts({ alert: { followUp: true } }))).toBe('voice:phone-1');
    expect(outcome(facts({ alert: { followUp: true }, member: { memberships: [] } }))).toBe('outside_audience');
  });
});
