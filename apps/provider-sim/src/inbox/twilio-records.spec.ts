import { twilioSid } from '../twilio/twilio-resource-format';
import { StoredMessage } from './sim-message';
import { StatusHistory } from './status-history';
import { TwilioRecords } from './twilio-records';

describe('TwilioRecords, every Twilio message and call in compact form', () => {
  const sms = (to: string, extra: Partial<StoredMessage> = {}): StoredMessage => ({
    seq: 0,
    id: twilioSid('SM'),
    channel: 'sms',
    to,
    from: '+32460200100',
    accountSid: 'AC00000000000000000000000000000001',
    receivedAt: '2026-12-06T21:00:00.000Z',
    body: 'Vermist: Lucas (8).',
    segments: 1,
    statuses: new StatusHistory(),
    ...extra,
  });

  it('finds each of many by sid and lists each number newest first, past its tables growing', () => {
    const records = new TwilioRecords('sms');
    const sent = Array.from({ length: 5_000 }, (_, i) => sms(`+3247${String(i % 2_000).padStart(7, '0')}`, { body: `bericht ${i}` }));
    for (const m of sent) records.add(m);

    for (const m of [sent[0], sent[1_234], sent[4_999]]) expect(records.message(records.find(m.id))).toMatchObject({ id: m.id, to: m.to, body: m.body, from: '+32460200100' });
    expect(records.find(twilioSid('SM'))).toBe(-1);
    expect(records.latest(20, '+32470000007').map((i) => records.message(i).body)).toEqual(['bericht 4007', 'bericht 2007', 'bericht 7']);
    expect(records.latest(2, '+32470000007')).toHaveLength(2);
    expect(records.latest(3).map((i) => records.sid(i))).toEqual([sent[4_999].id, sent[4_998].id, sent[4_997].id]);
    expect(records.latest(20, '+32479999999')).toEqual([]);
  });

  it('keeps the statuses pushed on the message or on a record read later, a final one staying final', () => {
    const records = new TwilioRecords('sms');
    const m = sms('+32470000001');
    records.add(m);
    m.statuses?.push('delivered', new Date('2026-12-06T21:00:02Z'));
    records.message(records.find(m.id)).statuses?.push('sent', new Date('2026-12-06T21:00:03Z'));

    expect(records.message(records.find(m.id))).toMatchObject({ outcome: 'delivered', receivedAt: '2026-12-06T21:00:00.000Z' });
    expect(records.message(records.find(m.id)).statuses?.lastAt()).toBe(Date.parse('2026-12-06T21:00:03Z'));
  });

  it('keeps sids and numbers of other forms as they are', () => {
    const records = new TwilioRecords('voice');
    records.add(sms('client:anna', { id: 'CA1', channel: 'voice', body: undefined, machineDetection: 'Enable' }));
    records.noteCall(records.find('CA1'), { answeredBy: 'machine_start', durationSeconds: 12 });

    expect(records.latest(20, 'client:anna').map((i) => records.message(i))).toEqual([
      expect.objectContaining({ id: 'CA1', to: 'client:anna', machineDetection: 'Enable', answeredBy: 'machine_start', durationSeconds: 12 }),
    ]);
    expect(records.latest(20, 'client:bob')).toEqual([]);
  });
});
