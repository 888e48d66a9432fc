import { sendGridObservation } from './callback-observation';
import { callStatusForm, callStatusFormAsIs, formAsIs, messageStatusForm, messageStatusFormAsIs, sendGridEventBatch, sendGridEventBatchAsIs } from './provider-forms';

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

describe('sendGridEventBatchAsIs', () => {
  const STRINGS: unknown[] = [undefined, '', ' ', 'x', ' x', 'x ', 3, null, ['x']];
  const SENDGRID_VALUES: Record<string, unknown[]> = {
    event: ['delivered', ' delivered', '', undefined, 7],
    sg_event_id: ['ev1', undefined, 'ev1 ', ''],
    sg_message_id: STRINGS,
    delivery_id: STRINGS,
    timestamp: [undefined, 1_764_400_000, '1764400000', Number.NaN, null],
    type: STRINGS,
    reason: STRINGS,
    bounce_classification: STRINGS,
  };

  it('takes a batch as it came only where the schema would give the same events, observed alike', () => {
    const base = { email: 'a@example.be', event: 'delivered', sg_event_id: 'ev1', sg_message_id: 'm1.filter', delivery_id: 'd1', timestamp: 1_764_400_000 };
    let taken = 0;
    let tried = 0;
    for (const [name, values] of Object.entries(SENDGRID_VALUES))
      for (const value of values) {
        const event: Record<string, unknown> = { ...base, [name]: value };
        if (value === undefined) delete event[name];
        for (const batch of [[event], [base, event], [event, 'not an event'], [event, null]]) {
          tried += 1;
          if (!sendGridEventBatchAsIs(batch)) continue;
          taken += 1;
          const parsed = sendGridEventBatch.safeParse(batch);
          expect(parsed.success).toBe(true);
          if (!parsed.success) continue;
          expect(parsed.data).toEqual(batch);
          for (const [i, one] of parsed.data.entries()) expect(sendGridObservation(batch[i] as typeof one)).toEqual(sendGridObservation(one));
        }
      }
    expect(taken).toBeGreaterThan(10);
    expect(taken).toBeLessThan(tried);
  });

  it('takes what SendGrid posts as it came, and leaves to the schema an event without its sg_event_id or with anything to trim', () => {
    const event = { email: 'a@example.be', event: 'processed', sg_event_id: 'ev1', sg_message_id: 'm1.filter', delivery_id: 'd1', timestamp: 1_764_400_000, category: ['x'] };
    expect(sendGridEventBatchAsIs([event, { ...event, event: 'delivered', sg_event_id: 'ev2' }])).toBe(true);
    expect(sendGridEventBatchAsIs([])).toBe(true);
    expect(sendGridEventBatchAsIs([{ ...event, sg_event_id: undefined }])).toBe(false);
    expect(sendGridEventBatchAsIs([{ ...event, reason: ' bounced' }])).toBe(false);
    expect(sendGridEventBatchAsIs({ event: 'delivered', sg_event_id: 'ev1' })).toBe(false);
    expect(sendGridEventBatchAsIs(Array.from({ length: 20_001 }, () => event))).toBe(false);
  });
});
