import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CHANNELS, Channel, DELIVERY_STATUSES, TRACKED_DELIVERY_STATUSES, TrackedDeliveryStatus, nextDeliveryStatus } from '@bin-alert/domain';
import { seedAcceptedDeliveries } from '../../../../bench/src/support/accepted-deliveries';
import { testConfig } from '../../../../bench/src/support/test-config';
import { openDataSource } from '../data-source';
import { DeliveryStatusChange, DeliveryTrackingRepository } from './delivery-tracking.repository';

/** The batch form of the state machine, on the real PostgreSQL: set-based SQL that must agree with libs/domain. */
describe('DeliveryTrackingRepository.applyStatusChanges', () => {
  let db: DataSource;
  let repository: DeliveryTrackingRepository;

  beforeAll(async () => {
    db = await openDataSource(testConfig().DATABASE_URL, 4);
    repository = new DeliveryTrackingRepository(db);
  });

  afterAll(async () => {
    await db?.destroy();
  });

  const deliveriesOf = async (count: number) =>
    (await seedAcceptedDeliveries(db, Math.ceil(count / CHANNELS.length))).flatMap((m) => CHANNELS.map((channel) => ({ id: m.delivery[channel], channel })));
  const rows = async (ids: string[]) => {
    const found: Array<Record<string, unknown> & { id: string }> = await db.query(
      `SELECT id, status, reason, provider_status, provider_error_code, provider_id, delivered_at, acknowledged_at FROM deliveries WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(found.map((r) => [r.id, r]));
  };
  const change = (deliveryId: string, channel: Channel, status: TrackedDeliveryStatus, extra: Partial<DeliveryStatusChange> = {}): DeliveryStatusChange => ({
    deliveryId,
    channel,
    status,
    providerStatus: `p-${status}`,
    acknowledged: false,
    occurredAt: new Date('2026-11-29T14:00:00Z'),
    ...extra,
  });

  it('runs the domain’s whole transition table through the SQL in one batch, and agrees with it pair for pair', async () => {
    const pairs = DELIVERY_STATUSES.flatMap((current) => TRACKED_DELIVERY_STATUSES.map((incoming) => ({ current, incoming })));
    const deliveries = (await deliveriesOf(pairs.length)).slice(0, pairs.length);
    await db.query(`UPDATE deliveries d SET status = s.status FROM unnest($1::uuid[], $2::text[]) AS s(id, status) WHERE d.id = s.id`, [
      deliveries.map((d) => d.id),
      pairs.map((p) => p.current),
    ]);

    const { outcomes, missing } = await repository.applyStatusChanges(pairs.map((p, i) => change(deliveries[i].id, deliveries[i].channel, p.incoming)));

    expect(missing).toEqual([]);
    const after = await rows(deliveries.map((d) => d.id));
    const disagreements = pairs.flatMap(({ current, incoming }, i) => {
      const expected = nextDeliveryStatus(current, incoming);
      const outcome = outcomes[i];
      const got = { status: after.get(deliveries[i].id)!.status, transitioned: outcome.transitioned, previous: outcome.previousStatus };
      const want = { status: expected ?? current, transitioned: expected !== null, previous: current };
      return JSON.stringify(got) === JSON.stringify(want) ? [] : [{ current, incoming, got, want }];
    });
    expect(disagreements).toEqual([]);
    expect(outcomes).toHaveLength(pairs.length);
  });

  it('leaves a shuffled batch exactly where applying its callbacks one by one leaves it: statuses, reasons, provider ids, times, acknowledgements', async () => {
    const histories: Record<Channel, DeliveryStatusChange[]> = {
      sms: [
        change('', 'sms', 'sent', { providerId: 'SM1' }),
        change('', 'sms', 'delivered', { providerId: 'SM1', occurredAt: new Date('2026-11-29T14:37:00Z') }),
        change('', 'sms', 'undelivered', { providerId: 'SM1', reason: 'unreachable_handset', errorCode: '30003' }),
        change('', 'sms', 'accepted', { providerId: 'SM1' }),
      ],
      email: [
        change('', 'email', 'sent', { providerId: 'X1' }),
        change('', 'email', 'deferred', { providerId: 'X1' }),
        change('', 'email', 'deferred', { providerId: 'X1', providerStatus: 'deferred-again' }),
        change('', 'email', 'bounced', { providerId: 'X1', reason: 'invalid_address' }),
        change('', 'email', 'delivered'),
      ],
      voice: [
        change('', 'voice', 'sent', { providerId: 'CA1' }),
        change('', 'voice', 'answered', { providerId: 'CA1', providerStatus: 'in-progress' }),
        change('', 'voice', 'answered', { providerId: 'CA1', providerStatus: 'gather', acknowledged: true, occurredAt: new Date('2026-11-29T14:01:00Z') }),
        change('', 'voice', 'delivered', { providerId: 'CA1', reason: 'answered_by_machine', occurredAt: new Date('2026-11-29T14:02:00Z') }),
        change('', 'voice', 'no_answer', { providerId: 'CA1', reason: 'no_answer' }),
      ],
    };
    const [batched, oneByOne] = [await deliveriesOf(60), await deliveriesOf(60)];
    const orders = batched.map(({ channel }) => [...histories[channel]].sort(() => Math.random() - 0.5));
    // Deliveries interleaved in the batch, as a partition holds many members' events.
    const batch = orders.flatMap((order, i) => order.map((c, n) => ({ c: { ...c, deliveryId: batched[i].id }, at: n + Math.random() }))).sort((a, b) => a.at - b.at);

    const result = await repository.applyStatusChanges(batch.map((b) => b.c));
    for (const [i, order] of orders.entries()) for (const c of order) await repository.applyStatusChange({ ...c, deliveryId: oneByOne[i].id });

    const [a, b] = [await rows(batched.map((d) => d.id)), await rows(oneByOne.map((d) => d.id))];
    const differ = batched.flatMap((d, i) => {
      const { id: _a, ...x } = a.get(d.id)!;
      const { id: _b, ...y } = b.get(oneByOne[i].id)!;
      return JSON.stringify(x) === JSON.stringify(y) ? [] : [{ order: orders[i].map((c) => c.status), batched: x, oneByOne: y }];
    });
    expect(differ).toEqual([]);
    expect(result.outcomes).toHaveLength(batched.length);
    // What the metrics count: every status passed through, ending where the row is.
    for (const o of result.outcomes) if (o.transitioned) expect(o.reached[o.reached.length - 1]).toBe(a.get(o.deliveryId)!.status);
  });

  it('weighs a redialled call’s old callbacks apart from the new call’s in the same batch, and says which deliveries it did not find', async () => {
    const [voice] = (await deliveriesOf(3)).filter((d) => d.channel === 'voice');
    await db.query(`UPDATE deliveries SET status = 'sent', provider_id = 'CA-new', superseded_provider_ids = '{CA-old}' WHERE id = $1`, [voice.id]);
    const unknown = randomUUID();

    const { outcomes, missing } = await repository.applyStatusChanges([
      change(voice.id, 'voice', 'answered', { providerId: 'CA-new', providerStatus: 'in-progress' }),
      change(voice.id, 'voice', 'no_answer', { providerId: 'CA-old', reason: 'no_answer' }),
      change(unknown, 'voice', 'delivered'),
      change(voice.id, 'voice', 'answered', { providerId: 'CA-new', providerStatus: 'gather', acknowledged: true }),
      change('not-a-uuid', 'voice', 'delivered'),
      change(voice.id, 'voice', 'delivered', { providerId: 'CA-new', providerStatus: 'completed' }),
    ]);

    expect(missing).toEqual([unknown, 'not-a-uuid']);
    expect(outcomes).toEqual([
      expect.objectContaining({ deliveryId: voice.id, previousStatus: 'sent', status: 'delivered', transitioned: true, acknowledgedNow: true, reached: ['answered', 'delivered'] }),
    ]);
    expect((await rows([voice.id])).get(voice.id)).toMatchObject({
      status: 'delivered',
      provider_status: 'completed',
      reason: null,
      provider_id: 'CA-new',
      acknowledged_at: expect.any(Date),
    });
  });

  it('keeps every row’s final status when concurrent batches touch the same deliveries', async () => {
    const deliveries = await deliveriesOf(30);
    const batches = Array.from({ length: 6 }, () =>
      deliveries.map((d) => change(d.id, d.channel, TRACKED_DELIVERY_STATUSES[Math.floor(Math.random() * TRACKED_DELIVERY_STATUSES.length)])),
    );
    await Promise.all(batches.map((b) => repository.applyStatusChanges(b)));
    const after = await rows(deliveries.map((d) => d.id));
    for (const [i, d] of deliveries.entries()) {
      // Whatever order the batches committed in, the rule keeps the one stage all orders agree on.
      const ends = new Set(
        permutations(batches.map((b) => b[i].status)).map((order) => order.reduce<string>((s, incoming) => nextDeliveryStatus(s as never, incoming) ?? s, 'accepted')),
      );
      expect(ends.has(after.get(d.id)!.status as string)).toBe(true);
    }
  });
});

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}
