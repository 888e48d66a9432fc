import { NewMessage, RecentMessages, Retention } from './recent-messages';
import { SimChannel, StoredMessage } from './sim-message';
import { StatusHistory } from './status-history';

describe('RecentMessages, the bounded store', () => {
  let retention: Retention;
  let store: RecentMessages;
  let n: number;

  beforeEach(() => {
    retention = { messagesPerChannel: 3, messagesPerAddress: 2 };
    store = new RecentMessages(() => retention);
    n = 0;
  });

  const message = (to: string, channel: SimChannel = 'sms', extra: Partial<NewMessage> = {}): NewMessage => {
    n += 1;
    return { id: `SM${n}`, channel, to, from: '+32460200100', receivedAt: new Date(0).toISOString(), body: `bericht ${n}`, statuses: new StatusHistory(), ...extra };
  };
  const bodies = (messages: Array<{ body?: string }>) => messages.map((m) => m.body);

  it('keeps the latest messagesPerChannel of a channel: the oldest goes first', () => {
    for (const to of ['+32470000001', '+32470000002', '+32470000003', '+32470000004']) store.record(message(to));

    expect(bodies(store.list('sms'))).toEqual(['bericht 2', 'bericht 3', 'bericht 4']);
    expect(store.inbox('+32470000001')).toEqual([]);
    expect(bodies(store.inbox('+32470000004'))).toEqual(['bericht 4']);
  });

  it('records an e-mail status by arrival number on the retained message, other channels in between, and on none once it left the window (ADR 0066)', () => {
    retention.messagesPerChannel = 1_500;
    const emails: StoredMessage[] = [];
    for (let i = 0; i < 2_000; i += 1) {
      emails.push(store.record(message(`m${i}@example.be`, 'email', { id: `req-${Math.floor(i / 100)}` })));
      if (i % 3 === 0) store.record(message('+32470000001'));
    }
    // The window was compacted on the way (more than 1,024 left it): positions are not arrival numbers.
    for (const email of emails) store.emailReached(email.seq, email.id, 'processed', new Date(0), false);
    for (const email of emails) store.emailReached(email.seq, email.id, 'delivered', new Date(1000), true);
    const reached = (email: StoredMessage) => [email.statuses?.toJSON().map((s) => s.status), email.outcome];
    for (const email of emails.slice(500)) expect(reached(email)).toEqual([['processed', 'delivered'], 'delivered']);
    for (const email of emails.slice(0, 500)) expect(reached(email)).toEqual([[], undefined]);
    // A number another request's recipient had (arrival numbers restart after a clear) records nothing.
    store.emailReached(emails[1_999].seq, 'another-request', 'bounce', new Date(2000), true);
    expect(reached(emails[1_999])).toEqual([['processed', 'delivered'], 'delivered']);
  });

  it('keeps at most messagesPerAddress per number, the latest', () => {
    retention.messagesPerChannel = 100;
    for (let i = 0; i < 5; i += 1) store.record(message('+32470000001'));

    expect(bodies(store.inbox('+32470000001'))).toEqual(['bericht 4', 'bericht 5']);
    expect(store.list('sms')).toHaveLength(5);
  });

  it('counts every accepted message, also those no longer kept', () => {
    for (let i = 0; i < 10; i += 1) store.record(message(`+3247000000${i}`));
    store.record(message('+32470000001', 'sms', { id: '', rejectedWith: { status: 400, code: 21610, message: 'unsubscribed' } }));

    expect(store.count('sms')).toBe(10);
    expect(store.recent(1000)).toMatchObject({ total: 10 });
    expect(store.recent(1000).messages).toHaveLength(2);
  });

  it('evicts per channel, so a busy channel does not push out another one', () => {
    store.record(message('anna@example.be', 'email'));
    for (let i = 0; i < 10; i += 1) store.record(message(`+3247000000${i}`));

    expect(store.list('email')).toHaveLength(1);
    expect(bodies(store.inbox('ANNA@example.be'))).toEqual(['bericht 1']);
  });

  it('lists all channels in arrival order, and the phones feed newest first', () => {
    store.record(message('+32470000001'));
    store.record(message('anna@example.be', 'email'));
    store.record(message('+3253000001', 'voice'));
    store.record(message('+32470000002'));

    expect(store.list().map((m) => m.channel)).toEqual(['sms', 'email', 'voice', 'sms']);
    expect(store.recent(3).messages.map((m) => m.to)).toEqual(['+32470000002', '+3253000001', 'anna@example.be']);
  });

  it('shows refused requests only when asked', () => {
    store.record(message('+32470000001', 'sms', { id: '', rejectedWith: { status: 400, code: 21610, message: 'unsubscribed' } }));
    store.record(message('+32470000001'));

    expect(bodies(store.inbox('+32470000001'))).toEqual(['bericht 2']);
    expect(store.inbox('+32470000001', { includeRejected: true })).toHaveLength(2);
    expect(store.list('sms', { includeRejected: true })).toHaveLength(2);
  });

  it('answers Twilio list lookups newest first, for one number', () => {
    retention.messagesPerChannel = 100;
    store.record(message('+32470000001'));
    store.record(message('+32470000002'));
    store.record(message('+32470000001'));

    expect(store.latest('sms', 20, '+32470000001').map((m) => m.id)).toEqual(['SM3', 'SM1']);
    expect(store.latest('sms', 2).map((m) => m.id)).toEqual(['SM3', 'SM2']);
    expect(store.latest('voice', 20, '+32470000001')).toEqual([]);
  });

  it('gives statuses out as the public objects, and no bookkeeping', () => {
    const stored = store.record(message('+32470000001'));
    stored.statuses?.push('sent', new Date('2026-05-12T10:00:00Z'));
    stored.statuses?.push('undelivered', new Date('2026-05-12T10:00:01Z'), 30003);

    const [read] = store.inbox('+32470000001');
    expect(read.statuses).toEqual([
      { status: 'sent', at: '2026-05-12T10:00:00.000Z' },
      { status: 'undelivered', at: '2026-05-12T10:00:01.000Z', errorCode: 30003 },
    ]);
    expect(read).not.toHaveProperty('seq');
  });

  it('applies a smaller retention from the next message on', () => {
    retention.messagesPerChannel = 100;
    for (let i = 0; i < 10; i += 1) store.record(message('+32470000001'));

    retention = { messagesPerChannel: 4, messagesPerAddress: 1 };
    store.record(message('+32470000002'));

    expect(bodies(store.list('sms'))).toEqual(['bericht 8', 'bericht 9', 'bericht 10', 'bericht 11']);
    expect(bodies(store.inbox('+32470000001'))).toEqual(['bericht 10']);
  });

  it('starts from nothing after clear', () => {
    store.record(message('+32470000001'));

    store.clear();

    expect(store.list()).toEqual([]);
    expect(store.count('sms')).toBe(0);
    expect(store.inbox('+32470000001')).toEqual([]);
  });

  it('stays within its bound however many messages pass', () => {
    retention = { messagesPerChannel: 50, messagesPerAddress: 20 };
    for (let i = 0; i < 20_000; i += 1) store.record(message(`+3247${String(i).padStart(7, '0')}`));

    expect(store.list('sms')).toHaveLength(50);
    expect(store.count('sms')).toBe(20_000);
    expect(store.inbox('+32470000000')).toEqual([]);
    expect(bodies(store.inbox('+32470019999'))).toEqual(['bericht 20000']);
  });
});
