import { REDACTED, withoutContactData } from './audit-details';

describe('withoutContactData', () => {
  it('drops fields named after contact data, however deep', () => {
    expect(withoutContactData({ member: { mobile: '+32470000011', email: 'a@b.be', name: 'Jan' }, to: 'x' })).toEqual({
      member: { mobile: REDACTED, email: REDACTED, name: 'Jan' },
      to: REDACTED,
    });
  });

  it.each([
    ['an e-mail address', 'mail sent to member11@example.be today'],
    ['an E.164 number', 'called +32470000011'],
    ['a spaced international number', 'call +32 470 12 34 56'],
    ['a 0032 number', 'dial 0032470123456'],
    ['a Belgian mobile with a slash', 'gsm 0470/12.34.56'],
    ['a Belgian landline', 'tel 053 21 00 00'],
  ])('redacts %s inside any text', (_what, text) => {
    const { note } = withoutContactData({ note: text }) as { note: string };
    expect(note).toContain(REDACTED);
    expect(note).not.toMatch(/\d{6}|@/);
  });

  it('keeps what is not contact data: ids, timestamps, BINs, counts, usernames', () => {
    const details = {
      alertId: '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b',
      issuedAt: '2026-11-29T12:00:00.000Z',
      bins: ['herdersem', 'moorsel'],
      urgency: 'urgent',
      recipients: 12345678,
      username: 'operator',
      title: 'Lucas (8) draagt een rode jas. Bel 101.',
    };
    expect(withoutContactData(details)).toEqual(details);
  });
});
