import { AudienceCandidate, decideFollowUpRecipient, decideRecipient } from './recipient-decision';
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
