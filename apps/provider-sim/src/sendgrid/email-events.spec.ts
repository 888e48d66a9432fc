import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { EmailEventFields, EmailEventName, EmailRecipients, emailEventJson, eventWebhookBody, PendingEmailEvents, recipientMessageId } from './email-events';

/** A pending event is its JSON, written once (ADR 0049): it must carry every field the tracker reads. */
describe('e-mail events as written JSON', () => {
  const message = {
    id: 'LRzXl_NHStOGhQ4kofSm_A',
    to: 'chloé "c" <x>@example.be',
    customArgs: { delivery_id: 'd-1', event: 'not-an-event', ip: 'kept unless the event has one' },
    categories: ['bin-alert'],
    sgMessageId: 'LRzXl_NHStOGhQ4kofSm_A.filterdrecv-sim-1-0.0',
  };
  const at = new Date('2026-12-06T21:00:00.000Z');

  it('is one string holding SendGrid fields, the custom args at the top level, and the type details', () => {
    const json = emailEventJson(message, 'delivered', at);
    expect(typeof json).toBe('string');
    expect(JSON.parse(json)).toEqual({
      delivery_id: 'd-1',
      email: 'chloé "c" <x>@example.be',
      timestamp: 1_796_590_800,
      event: 'delivered',
      'smtp-id': '<LRzXl_NHStOGhQ4kofSm_A.filterdrecv-sim-1-0.0@ismtpd-sim>',
      sg_event_id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      sg_message_id: 'LRzXl_NHStOGhQ4kofSm_A.filterdrecv-sim-1-0.0',
      category: 'bin-alert',
      response: '250 2.0.0 OK',
      tls: 1,
      ip: '192.0.2.25',
    });
  });

  it('lets no custom arg take a field the event has, keeps those it has not, and writes several categories as an array', () => {
    const processed = JSON.parse(emailEventJson({ ...message, categories: ['bin-alert', 'urgent'] }, 'processed', at));
    expect(processed).toMatchObject({ event: 'processed', ip: 'kept unless the event has one', category: ['bin-alert', 'urgent'] });
    const bounce = JSON.parse(emailEventJson({ ...message, categories: [] }, 'bounce', at));
    expect(bounce).toMatchObject({ event: 'bounce', type: 'bounce', status: '5.1.1', ip: '192.0.2.25', bounce_classification: 'Invalid Address' });
    expect(bounce).not.toHaveProperty('category');
    expect(emailEventJson(message, 'processed', at)).not.toEqual(emailEventJson(message, 'processed', at));
  });

  it('joins events into the body SendGrid writes: one per line, CRLF separated and ended', () => {
    const events = [emailEventJson(message, 'processed', at), emailEventJson(message, 'delivered', at)];
    const body = eventWebhookBody(events);
    expect(body).toBe(`[${events[0]},\r\n${events[1]}]\r\n`);
    expect(JSON.parse(body)).toHaveLength(2);
  });
});

/**
 * Pending events are kept unwritten (ADR 0056): an event is its request's recipients, shared by
 * all their events, and one number (ADR 0066). Measured in bytes of heap with the garbage
 * collected before each reading, not in time.
 */
describe('pending e-mail events', () => {
  const at = new Date('2026-12-06T21:00:00.000Z');
  // One request's categories, shared by its recipients as the parsed request shares them.
  const categories = ['bin-alert'];
  const recipient = (i: number) => ({
    id: 'LRzXl_NHStOGhQ4kofSm_A',
    to: `member${String(i).padStart(7, '0')}@example.be`,
    customArgs: { delivery_id: `6f1c2a34-5b6d-4e7f-8a9b-${String(i).padStart(12, '0')}` },
    categories,
    sgMessageId: recipientMessageId('LRzXl_NHStOGhQ4kofSm_A', i + 1),
  });

  it('are written when their batch goes out, as emailEventJson writes them, in their order', () => {
    const pending = new PendingEmailEvents();
    const request = new EmailRecipients('LRzXl_NHStOGhQ4kofSm_A', [recipient(0), recipient(1)]);
    pending.push(request, 0, 'processed', at);
    pending.push(request, 1, 'dropped', at);
    pending.push(request, 0, 'delivered', new Date(at.getTime() + 1500));
    const first = pending.take(2);
    expect(pending.length).toBe(1);

    const events = [...(JSON.parse(first.body()) as Array<Record<string, unknown>>), ...(JSON.parse(pending.body()) as Array<Record<string, unknown>>)];
    const written = (message: ReturnType<typeof recipient>, name: EmailEventName, when: Date) => ({
      ...JSON.parse(emailEventJson(message, name, when)),
      sg_event_id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    });
    expect(events).toEqual([written(recipient(0), 'processed', at), written(recipient(1), 'dropped', at), written(recipient(0), 'delivered', new Date(at.getTime() + 1500))]);
    expect(events[0].sg_message_id).toBe('LRzXl_NHStOGhQ4kofSm_A.filterdrecv-sim-1-0.0');
  });

  it("write each recipient's events character for character as emailEventJson does, whatever its fields (ADR 0066)", () => {
    const id = 'LRzXl_NHStOGhQ4kofSm_A';
    const recipients: EmailEventFields[] = [
      recipient(0),
      // Custom args named like a field some event has: left out where that event has it.
      { ...recipient(1), customArgs: { ip: 'mine', event: 'not-an-event', delivery_id: 'd-2', '7': 'numeric key first' } },
      { ...recipient(2), sgMessageId: 'its-own-id' },
      { ...recipient(3), categories: ['bin-alert', 'urgent'] },
      { ...recipient(4), to: 'chloé "c" <x>@example.be', customArgs: {} },
      { id, to: 'no-args@example.be', sgMessageId: recipientMessageId(id, 6) },
      { ...recipient(6), id: 'another-request', sgMessageId: recipientMessageId('another-request', 7) },
      // Other custom args than the first recipient's, or the same in another order (ADR 0054).
      { ...recipient(7), customArgs: { delivery_id: 'd-8', alert_id: 'a-1' } },
      { ...recipient(8), customArgs: { alert_id: 'a-1', delivery_id: 'd-9' } },
      { ...recipient(9), customArgs: { alert: 'a-1' } },
      recipient(10),
    ];
    const request = new EmailRecipients(id, recipients);
    const names: EmailEventName[] = ['processed', 'delivered', 'deferred', 'bounce', 'dropped'];
    const withoutEventId = (json: string) => json.replace(/"sg_event_id":"[A-Za-z0-9_-]{22}"/, '"sg_event_id":""');
    const timestamp = Math.floor(at.getTime() / 1000);
    for (let i = 0; i < recipients.length; i += 1) {
      for (const name of names) expect(withoutEventId(request.write(i, name, timestamp))).toBe(withoutEventId(emailEventJson(recipients[i], name, at)));
    }
    // A request with one category writes it as a string, none leaves the field out.
    expect(JSON.parse(new EmailRecipients(id, [{ ...recipient(0), categories: [] }]).write(0, 'processed', timestamp))).not.toHaveProperty('category');
  });

  it("cost at most 90 bytes of heap each (~60 measured, ~140 before ADR 0066), two per recipient, with the recipient's own strings (a written event is ~420)", () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const recipients = 50_000;
    const perRequest = 1_000;
    gc();
    const before = process.memoryUsage().heapUsed;
    const pending = new PendingEmailEvents();
    for (let first = 0; first < recipients; first += perRequest) {
      const request = new EmailRecipients(
        'LRzXl_NHStOGhQ4kofSm_A',
        Array.from({ length: perRequest }, (_, i) => recipient(first + i)).map((message, i) => ({ ...message, sgMessageId: recipientMessageId(message.id, i + 1) })),
      );
      for (let i = 0; i < perRequest; i += 1) {
        pending.push(request, i, 'processed', at);
        pending.push(request, i, 'delivered', at);
      }
    }
    gc();
    const perEvent = (process.memoryUsage().heapUsed - before) / pending.length;
    expect(pending.length).toBe(2 * recipients);
    expect(perEvent).toBeLessThanOrEqual(90);
    // Written, the same events take their JSON's length each.
    expect(pending.take(2).body().length / 2).toBeGreaterThan(300);
  });
});

/**
 * What a batch waiting for its connection holds of its own, beside its requests' recipients: at
 * 1,000,000 members about 2,000,000 events wait so (ADR 0054). Heap after a forced GC.
 */
describe('a taken batch of pending e-mail events', () => {
  it('costs at most 10 bytes of heap per event of its own (8: its number; a request per run of events, not per event; 16 before ADR 0054)', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const at = new Date('2026-12-06T21:00:00.000Z');
    const perRequest = 1_000;
    const requests = Array.from(
      { length: 100 },
      (_, r) =>
        new EmailRecipients(
          `req-${r}`,
          Array.from({ length: perRequest }, (_, i) => ({ id: `req-${r}`, to: `m${i}@example.be`, sgMessageId: recipientMessageId(`req-${r}`, i + 1) })),
        ),
    );
    gc();
    const before = process.memoryUsage().heapUsed;
    const pending = new PendingEmailEvents();
    for (const request of requests) for (let i = 0; i < perRequest; i += 1) pending.push(request, i, 'delivered', at);
    const events = pending.length;
    // Batches as the batcher takes them (eventBatchSize 500), the buffer then empty.
    const batches: PendingEmailEvents[] = [];
    while (pending.length > 0) batches.push(pending.take(500));
    gc();
    const perEvent = (process.memoryUsage().heapUsed - before) / events;
    expect(batches.reduce((sum, batch) => sum + batch.length, 0)).toBe(events);
    expect(perEvent).toBeLessThanOrEqual(10);
    // Each still writes its own events: the last batch is the last request's last 500 recipients.
    expect((JSON.parse(batches[batches.length - 1].body()) as Array<{ email: string }>).map((e) => e.email)[0]).toBe('m500@example.be');
  });
});

/**
 * What a request keeps of each recipient while its events wait (EmailRecipients), at the
 * benchmark's shape: a delivery_id (a UUID) and an address of 30 characters. Heap after a forced GC.
 */
describe("a request's pending recipients", () => {
  it("cost at most 80 bytes of heap each: their values written, the custom args' names once per request (~70 measured; ~93 before ADR 0054)", () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const perRequest = 1_000;
    const parsed = Array.from(
      { length: 100 },
      (_, r) =>
        JSON.parse(
          JSON.stringify(
            Array.from({ length: perRequest }, (_, i) => ({
              id: `req-${r}`,
              to: `member${String(r * perRequest + i).padStart(7, '0')}@bench.example.be`,
              customArgs: { delivery_id: randomUUID() },
              sgMessageId: recipientMessageId(`req-${r}`, i + 1),
            })),
          ),
        ) as EmailEventFields[],
    );
    gc();
    const before = process.memoryUsage().heapUsed;
    const requests = parsed.map((recipients, r) => new EmailRecipients(`req-${r}`, recipients));
    gc();
    const perRecipient = (process.memoryUsage().heapUsed - before) / (100 * perRequest);
    // The parsed requests stay alive throughout, as the request body does while a request is recorded.
    expect(parsed).toHaveLength(requests.length);
    expect(perRecipient).toBeLessThanOrEqual(80);
  });
});

/** A backlog of events is taken in batches from its front: each take costs its batch, not the backlog. */
describe('pending e-mail events taken in batches', () => {
  const at = new Date('2026-12-06T21:00:00.000Z');
  const source = (i: number) => new EmailRecipients(`req-${i}`, [{ id: `req-${i}`, to: `m${i}@example.be`, sgMessageId: recipientMessageId(`req-${i}`, 1) }]);
  const names: EmailEventName[] = ['processed', 'delivered', 'deferred', 'bounce', 'dropped'];
  const recipients = (events: PendingEmailEvents) =>
    (JSON.parse(events.body()) as Array<{ email: string; event: string; timestamp: number }>).map((e) => `${e.email} ${e.event} ${e.timestamp}`);

  it('keep their order, type and second across takes, appends, and the front being cut off', () => {
    const pending = new PendingEmailEvents();
    const expected: string[] = [];
    const add = (i: number) => {
      const name = names[i % names.length];
      pending.push(source(i), 0, name, new Date(at.getTime() + i * 1000));
      expected.push(`m${i}@example.be ${name} ${at.getTime() / 1000 + i}`);
    };
    for (let i = 0; i < 3_000; i += 1) add(i);
    const taken: string[] = [];
    for (let round = 0; round < 25; round += 1) taken.push(...recipients(pending.take(100)));
    expect(pending.length).toBe(500);
    const more = new PendingEmailEvents();
    for (let i = 3_000; i < 3_010; i += 1) {
      more.push(source(i), 0, names[i % names.length], new Date(at.getTime() + i * 1000));
      expected.push(`m${i}@example.be ${names[i % names.length]} ${at.getTime() / 1000 + i}`);
    }
    more.take(0);
    pending.append(more);
    expect(more.length).toBe(0);
    expect(pending.length).toBe(510);
    while (pending.length > 0) taken.push(...recipients(pending.take(7)));
    expect(taken).toEqual(expected);
    expect(pending.take(5).length).toBe(0);
    // A partly taken buffer appended elsewhere gives only what it still holds.
    const partly = new PendingEmailEvents();
    for (let i = 0; i < 3; i += 1) partly.push(source(i), 0, 'processed', at);
    partly.take(2);
    const into = new PendingEmailEvents();
    into.append(partly);
    expect(recipients(into)).toEqual([`m2@example.be processed ${at.getTime() / 1000}`]);
  });

  it('take 300,000 events 10 at a time in well under a second (a splice from the front per take took seconds)', () => {
    const pending = new PendingEmailEvents();
    const shared = source(0);
    for (let i = 0; i < 300_000; i += 1) pending.push(shared, 0, 'delivered', at);
    const started = performance.now();
    let taken = 0;
    while (pending.length > 0) taken += pending.take(10).length;
    expect(taken).toBe(300_000);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
