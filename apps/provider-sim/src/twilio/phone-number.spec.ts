import { checkPhoneNumber, formattedSender } from './phone-number';

describe('checkPhoneNumber', () => {
  it('tells a Belgian mobile, a landline and a malformed number apart', () => {
    const mobile = checkPhoneNumber('+32470123456');

    expect(mobile).toMatchObject({ valid: true, mayReceiveSms: true });
    expect(mobile.formatted()).toBe('+32 470 12 34 56');
    expect(checkPhoneNumber('+3253123456')).toMatchObject({ valid: true, mayReceiveSms: false });
    expect(checkPhoneNumber('0470123456')).toMatchObject({ valid: false, mayReceiveSms: false });
    expect(checkPhoneNumber('0470123456').formatted()).toBeUndefined();
  });
});

describe('formattedSender', () => {
  it("formats a call's From as checkPhoneNumber does, a malformed one as undefined", () => {
    expect(formattedSender('+3250123456')).toBe('+32 50 12 34 56');
    expect(formattedSender('+3250123456')).toBe(checkPhoneNumber('+3250123456').formatted());
    expect(formattedSender('BINALERT')).toBeUndefined();
  });

  it('stays right past its bound (it forgets, it does not mix numbers up)', () => {
    for (let n = 0; n < 200; n += 1) {
      const number = `+32470${String(n).padStart(6, '0')}`;
      expect(formattedSender(number)).toBe(checkPhoneNumber(number).formatted());
    }
    expect(formattedSender('+3250123456')).toBe('+32 50 12 34 56');
  });
});
