import { byteLimit, parseFlatForm, pathOf, queryOf } from './form-body';

describe('parseFlatForm', () => {
  it('reads a flat form as the app parser does: plus as space, percent escapes, repeated keys as arrays', () => {
    expect(parseFlatForm('MessageSid=SM1&Body=hello+w%C3%B6rld&To=%2B32470000000')).toEqual({ MessageSid: 'SM1', Body: 'hello wörld', To: '+32470000000' });
    expect(parseFlatForm('a=1&a=2&a=3')).toEqual({ a: ['1', '2', '3'] });
  });

  it('keeps what is not valid percent encoding, gives a bare key an empty value, and drops empty keys', () => {
    expect(parseFlatForm('bad=%E0%A4%A&bare&&=x&eq=a=b')).toEqual({ bad: '%E0%A4%A', bare: '', eq: 'a=b' });
  });

  it('means nothing by brackets and never touches the prototype', () => {
    const form = parseFlatForm('a[b]=1&__proto__=x');
    expect(form).toEqual({ 'a[b]': '1' });
    expect(Object.getPrototypeOf(form)).toBe(Object.prototype);
  });
});

describe('request URLs', () => {
  it('splits the path from the query, a repeated parameter as an array', () => {
    expect(pathOf('/webhooks/twilio/message-status?deliveryId=a')).toBe('/webhooks/twilio/message-status');
    expect(pathOf('/health')).toBe('/health');
    expect(queryOf('/x?deliveryId=a&deliveryId=b')).toEqual({ deliveryId: ['a', 'b'] });
    expect(queryOf('/x')).toEqual({});
  });

  it('reads limits as the body parsers write them', () => {
    expect([byteLimit('256kb'), byteLimit('10mb'), byteLimit('100b')]).toEqual([262144, 10485760, 100]);
    expect(() => byteLimit('lots')).toThrow();
  });
});
