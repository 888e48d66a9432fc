import { checkPhoneNumber, normaliseEmail, redactContact } from './contact-point';

describe('checkPhoneNumber', () => {
  it('normalises a Belgian mobile number written locally to E.164', () => {
    expect(checkPhoneNumber('0470 12 34 56', 'mobile')).toMatchObject({ ok: true, e164: '+32470123456' });
  });

  it('refuses an Aalst landline as a mobile but accepts it as a phone for voice', () => {
    expect(checkPhoneNumber('053 73 27 27', 'mobile')).toEqual({ ok: false, reason: 'not_a_mobile_number' });
    expect(checkPhoneNumber('053 73 27 27', 'phone')).toMatchObject({ ok: true, e164: '+3253732727' });
  });

  it('refuses garbage', () => {
    expect(checkPhoneNumber('12', 'phone')).toEqual({ ok: false, reason: 'not_a_phone_number' });
    expect(checkPhoneNumber('not a number', 'mobile')).toEqual({ ok: false, reason: 'not_a_phone_number' });
  });

  it('accepts foreign numbers given with their country code', () => {
    expect(checkPhoneNumber('+31 6 12345678', 'mobile')).toMatchObject({ ok: true, e164: '+31612345678' });
  });
});

describe('normaliseEmail', () => {
  it('lower-cases the domain and trims', () => {
    expect(normaliseEmail('  Jan.Peeters@Example.BE ')).toBe('Jan.Peeters@example.be');
  });
  it('refuses what is not an address', () => {
    expect(normaliseEmail('jan@')).toBeNull();
    expect(normaliseEmail('jan peeters@example.be')).toBeNull();
  });
});

describe('redactContact', () => {
  it('never returns the whole number or address', () => {
    expect(redactContact('+32470123456')).toBe('+324***56');
    expect(redactContact('jan.peeters@example.be')).toBe('j***@e***.be');
  });
});
