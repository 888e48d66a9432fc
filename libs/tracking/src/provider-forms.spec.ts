import { callStatusForm, callStatusFormAsIs, formAsIs, messageStatusForm, messageStatusFormAsIs } from './provider-forms';

// Values a posted form's field can have: parseFlatForm gives strings, or arrays for repeated names.
const VALUES: unknown[] = [undefined, '', ' ', 'SM1', ' SM1', 'SM1 ', '\tdelivered\n', '\u00a0x', '\ufeffx', 'a b', ['a', 'b'], 'é'];

function* forms(names: string[]): Generator<Record<string, unknown>> {
  if (names.length === 0) return yield { ApiVersion: '2010-04-01', To: ' +32470000000 ' };
  for (const rest of forms(names.slice(1))) for (const value of VALUES) yield value === undefined ? rest : { [names[0]]: value, ...rest };
}

describe('formAsIs', () => {
  it.each([
    ['message status', messageStatusForm, messageStatusFormAsIs],
    ['call status', callStatusForm, callStatusFormAsIs],
  ] as const)('takes a %s form as it came only where the schema would give every field it reads unchanged', (_, schema, asIs) => {
    const names = Object.keys(schema.shape);
    let taken = 0;
    for (const form of forms(names)) {
      if (!asIs(form)) continue;
      taken += 1;
      const parsed = schema.safeParse(form);
      expect(parsed.success).toBe(true);
      if (parsed.success) for (const name of names) expect(parsed.data[name as keyof typeof parsed.data]).toBe(form[name]);
    }
    expect(taken).toBeGreaterThan(0);
  });

  it('takes what Twilio posts as it came, and leaves to the schema what it would trim or refuse', () => {
    const posted = { AccountSid: 'AC1', MessageSid: 'SM1', MessageStatus: 'delivered', RawDlrDoneDate: '2612071244', SmsStatus: 'delivered' };
    expect(messageStatusFormAsIs(posted)).toBe(true);
    expect(messageStatusFormAsIs({ ...posted, ErrorCode: '30003' })).toBe(true);
    expect(messageStatusFormAsIs({ ...posted, MessageStatus: 'delivered ' })).toBe(false);
    expect(messageStatusFormAsIs({ ...posted, ErrorCode: '' })).toBe(false);
    expect(messageStatusFormAsIs({ ...posted, MessageSid: ['SM1', 'SM2'] })).toBe(false);
    expect(messageStatusFormAsIs({ MessageStatus: 'sent' })).toBe(false);
    expect(callStatusFormAsIs({ CallSid: 'CA1', CallStatus: 'completed', AnsweredBy: 'human' })).toBe(true);
    expect(formAsIs(messageStatusForm)({})).toBe(false);
  });
});
