import { callStatusForm, gatherForm, messageStatusForm, sendGridEventBatch } from './provider-forms';
import { callStatusObservation, gatherObservation, messageStatusObservation, parseRawDlrDoneDate, sendGridObservation } from './callback-observation';

const D = '6f1b2a8e-4c1d-5e2f-9a3b-7c8d9e0f1a2b';
const SM = `SM${'0123456789abcdef'.repeat(2)}`;
const CA = `CA${'0123456789abcdef'.repeat(2)}`;

describe('Twilio SMS status callbacks', () => {
  const form = (extra: Record<string, string>) =>
    messageStatusForm.parse({
      AccountSid: 'AC0',
      ApiVersion: '2010-04-01',
      From: '+32460200100',
      To: '+32470000001',
      MessageSid: SM,
      SmsSid: SM,
      SmsStatus: 'x',
      NewField: 'ignored',
      ...extra,
    });

  it.each([
    [{ MessageStatus: 'sent' }, { status: 'sent' }, undefined],
    [{ MessageStatus: 'delivered', RawDlrDoneDate: '2611291437' }, { status: 'delivered' }, '2026-11-29T14:37:00.000Z'],
    [{ MessageStatus: 'undelivered', ErrorCode: '30003' }, { status: 'undelivered', reason: 'unreachable_handset', errorCode: '30003' }, undefined],
    [{ MessageStatus: 'failed', ErrorCode: '30001' }, { status: 'failed', reason: 'queue_overflow', errorCode: '30001' }, undefined],
  ])('%j → %j', (extra, mapping, occurredAt) => {
    const o = messageStatusObservation(D, form(extra));
    expect(o).toMatchObject({ deliveryId: D, channel: 'sms', provider: 'twilio', providerId: SM, providerStatus: extra.MessageStatus, mapping, acknowledged: false });
    expect(o.occurredAt?.toISOString()).toBe(occurredAt);
  });

  it('identifies a callback by message and status, so that a resend is the same and the next status is not', () => {
    expect(messageStatusObservation(D, form({ MessageStatus: 'sent' })).identity).toBe(`twilio:message:${SM}:sent`);
    expect(messageStatusObservation(undefined, form({ MessageStatus: 'sent' })).identity).toBe(`twilio:message:${SM}:sent`);
    expect(messageStatusObservation(D, form({ MessageStatus: 'delivered' })).identity).not.toBe(`twilio:message:${SM}:sent`);
  });

  it('refuses a form without the status it is about', () => {
    expect(messageStatusForm.safeParse({ MessageSid: SM }).success).toBe(false);
  });
});

describe('Twilio call status callbacks and the Gather action', () => {
  it.each([
    [{ CallStatus: 'initiated' }, { status: 'sent' }],
    [{ CallStatus: 'ringing' }, { status: 'sent' }],
    [{ CallStatus: 'in-progress', AnsweredBy: 'human' }, { status: 'answered' }],
    [
      { CallStatus: 'completed', AnsweredBy: 'machine_end_beep', CallDuration: '31' },
      { status: 'delivered', reason: 'answered_by_machine' },
    ],
    [{ CallStatus: 'no-answer' }, { status: 'no_answer', reason: 'no_answer' }],
    [{ CallStatus: 'busy' }, { status: 'busy', reason: 'line_busy' }],
  ])('%j → %j', (extra, mapping) => {
    const o = callStatusObservation(D, callStatusForm.parse({ CallSid: CA, Timestamp: 'Sun, 29 Nov 2026 14:37:05 +0000', ...extra }));
    expect(o).toMatchObject({ channel: 'voice', providerId: CA, identity: `twilio:call:${CA}:${extra.CallStatus}`, mapping });
    expect(o.occurredAt?.toISOString()).toBe('2026-11-29T14:37:05.000Z');
  });

  it('acknowledges when the member pressed 1, and only then', () => {
    expect(gatherObservation(D, gatherForm.parse({ CallSid: CA, Digits: '1', CallStatus: 'in-progress' }))).toMatchObject({
      identity: `twilio:gather:${CA}:1`,
      mapping: { status: 'answered' },
      acknowledged: true,
      providerStatus: 'gather',
    });
    expect(gatherObservation(D, gatherForm.parse({ CallSid: CA, Digits: '7' })).acknowledged).toBe(false);
    expect(gatherObservation(D, gatherForm.parse({ CallSid: CA })).acknowledged).toBe(false);
  });
});

describe('SendGrid events', () => {
  const batch = sendGridEventBatch.parse([
    {
      email: 'a@example.be',
      timestamp: 1_796_000_000,
      event: 'delivered',
      sg_event_id: 'ev-1',
      sg_message_id: 'LRzXl_NHStOGhQ4kofSm_A.filter0001.1.0',
      delivery_id: D,
      response: '250 OK',
    },
    { email: 'b@example.be', timestamp: 1_796_000_001, event: 'bounce', type: 'bounce', bounce_classification: 'Invalid Address', sg_event_id: 'ev-2', delivery_id: D },
    { email: 'c@example.be', timestamp: 1_796_000_002, event: 'spamreport', sg_event_id: 'ev-3' },
    { email: 'd@example.be', event: 'processed' },
  ]);

  it('reads the delivery from the flattened custom args and the X-Message-Id from sg_message_id', () => {
    expect(sendGridObservation(batch[0])).toMatchObject({
      identity: 'sendgrid:ev-1',
      deliveryId: D,
      channel: 'email',
      provider: 'sendgrid',
      providerStatus: 'delivered',
      providerId: 'LRzXl_NHStOGhQ4kofSm_A',
      mapping: { status: 'delivered' },
      occurredAt: new Date(1_796_000_000_000),
    });
    expect(sendGridObservation(batch[1]).mapping).toEqual({ status: 'bounced', reason: 'invalid_address' });
    expect(sendGridObservation(batch[2]).mapping).toBeNull();
  });

  it('identifies an event without sg_event_id by its content', () => {
    const o = sendGridObservation(batch[3]);
    expect(o.identity).toMatch(/^sendgrid:[A-Za-z0-9_-]{43}$/);
    expect(sendGridObservation(sendGridEventBatch.parse([{ email: 'd@example.be', event: 'processed' }])[0]).identity).toBe(o.identity);
    expect(o.deliveryId).toBeUndefined();
  });

  it('refuses a body that is not an array of events', () => {
    expect(sendGridEventBatch.safeParse({ event: 'delivered' }).success).toBe(false);
    expect(sendGridEventBatch.safeParse([{ email: 'x' }]).success).toBe(false);
  });
});

describe('parseRawDlrDoneDate', () => {
  it.each([
    ['2611291437', '2026-11-29T14:37:00.000Z'],
    ['2602301200', undefined], // 30 February
    ['26112914', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s → %s', (raw, iso) => expect(parseRawDlrDoneDate(raw)?.toISOString()).toBe(iso));
});
