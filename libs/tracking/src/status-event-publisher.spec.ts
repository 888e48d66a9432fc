import { DeliveryStatusEventV1, deliveryStatusEventV1 } from '@bin-alert/contracts';
import type { MessageBus, OutgoingMessage } from '@bin-alert/messaging';
import type { DeliveryTrackingRepository, TrackedDelivery } from '@bin-alert/persistence';
import { inMemoryStores } from '@bin-alert/platform';
import { messageStatusForm } from './provider-forms';
import { messageStatusObservation } from './callback-observation';
import type { DeliveryStatusApplier, StatusEventToApply } from './delivery-status-applier';
import { DEDUPE_KEY_PREFIX, StatusEventPublisher, StatusPublishingSettings } from './status-event-publisher';
import type { WebhookStats } from './webhook-stats';

const DELIVERY: TrackedDelivery = {
  id: '6f1b2a8e-4c1d-5e2f-9a3b-7c8d9e0f1a2b',
  alertId: '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b',
  memberId: '9b2f7c1e-3a4d-4e5f-8a6b-7c8d9e0f1a2b',
  channel: 'sms',
  status: 'accepted',
  language: 'nl',
};

/** What was applied, batch by batch, as `status` per event; `fail` makes the next apply throw. */
function fakeApplier() {
  const batches: StatusEventToApply[][] = [];
  const applier = {
    batches,
    fail: null as Error | null,
    /** The live counters' update each apply hands back; resolved at once unless a test sets it. */
    counting: null as (() => Promise<void>) | null,
    applyAll: async (events: readonly StatusEventToApply[]) => {
      if (applier.fail) throw applier.fail;
      batches.push([...events]);
      return { counted: applier.counting ? applier.counting() : Promise.resolve() };
    },
  };
  return applier;
}

function publisher(bus: Partial<MessageBus>, stores = inMemoryStores(), applier = fakeApplier()) {
  const deliveries = { findForTracking: async (ids: string[]) => new Map(ids.filter((id) => id === DELIVERY.id).map((id) => [id, DELIVERY])) };
  const counted: Array<Record<string, number>> = [];
  const stats = { add: async (c: Record<string, number>) => void counted.push(c) };
  const settings = { dedupeTtlSeconds: 60, claimTtlSeconds: 60, ingestBatch: { maxItems: 100, maxWaitMs: 5 } } satisfies StatusPublishingSettings;
  return {
    stores,
    counted,
    applier,
    publisher: new StatusEventPublisher(
      bus as MessageBus,
      stores,
      settings,
      deliveries as unknown as DeliveryTrackingRepository,
      applier as unknown as DeliveryStatusApplier,
      stats as unknown as WebhookStats,
    ),
  };
}

const observation = (deliveryId: string, status: string) =>
  messageStatusObservation(deliveryId, messageStatusForm.parse({ MessageSid: 'SM1', MessageStatus: status, ErrorCode: status === 'undelivered' ? '30003' : undefined }));

describe('StatusEventPublisher', () => {
  it('publishes a valid DeliveryStatusEvent keyed by member, once per callback identity', async () => {
    const published: OutgoingMessage[] = [];
    const { publisher: p, counted, applier } = publisher({ publish: async (m) => void published.push(...m) });
    const receivedAt = new Date('2026-11-29T10:00:00Z');

    const first = await p.publish([observation(DELIVERY.id, 'undelivered')], receivedAt);
    const again = await p.publish([observation(DELIVERY.id, 'undelivered')], receivedAt);

    expect(first.map((r) => r.outcome)).toEqual(['published']);
    expect(again.map((r) => r.outcome)).toEqual(['duplicate']);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ topic: 'bin.delivery-events.v1', key: DELIVERY.memberId, headers: { 'x-event-type': 'delivery.status' } });
    expect(deliveryStatusEventV1.parse(published[0].value)).toEqual({
      type: 'delivery.status',
      version: 1,
      eventId: expect.any(String),
      deliveryId: DELIVERY.id,
      alertId: DELIVERY.alertId,
      memberId: DELIVERY.memberId,
      channel: 'sms',
      status: 'undelivered',
      provider: 'twilio',
      providerStatus: 'undelivered',
      providerId: 'SM1',
      reason: 'unreachable_handset',
      errorCode: '30003',
      acknowledged: false,
      occurredAt: '2026-11-29T10:00:00.000Z',
      receivedAt: '2026-11-29T10:00:00.000Z',
    });
    // The status was applied as the very event published, once.
    expect(applier.batches).toEqual([[{ event: published[0].value, correlationId: undefined }]]);
    expect(counted).toEqual([
      { published: 1, duplicate: 0, unknown_delivery: 0, ignored: 0, retry_later: 0 },
      { published: 0, duplicate: 1, unknown_delivery: 0, ignored: 0, retry_later: 0 },
    ]);
  });

  it('drops callbacks for unknown deliveries and those that say nothing, without applying or publishing', async () => {
    const publish = jest.fn();
    const { publisher: p, applier } = publisher({ publish });
    const results = await p.publish([observation('1b4e28ba-0000-4d3b-a3f5-ef19b5a7633b', 'delivered'), observation(DELIVERY.id, 'received'), observation('nonsense', 'sent')]);
    expect(results.map((r) => r.outcome)).toEqual(['unknown_delivery', 'ignored', 'unknown_delivery']);
    expect(publish).not.toHaveBeenCalled();
    expect(applier.batches).toEqual([]);
  });

  it('applies the statuses before publishing them, and answers only after both', async () => {
    const steps: string[] = [];
    const applier = fakeApplier();
    const applyAll = applier.applyAll;
    applier.applyAll = async (events) => {
      steps.push('apply');
      return applyAll(events);
    };
    const { publisher: p } = publisher({ publish: async () => void steps.push('publish') }, inMemoryStores(), applier);
    await p.publish([observation(DELIVERY.id, 'delivered')]);
    steps.push('answered');
    expect(steps).toEqual(['apply', 'publish', 'answered']);
  });

  it('takes its dedupe marks back when the statuses cannot be applied, publishes nothing, and lets the retry through', async () => {
    const stores = inMemoryStores();
    const forget = jest.spyOn(stores.seen, 'forget');
    const published: OutgoingMessage[] = [];
    const applier = fakeApplier();
    applier.fail = new Error('postgres down');
    const { publisher: p } = publisher({ publish: async (m) => void published.push(...m) }, stores, applier);
    await expect(p.publish([observation(DELIVERY.id, 'delivered')])).rejects.toThrow('postgres down');
    expect(forget).toHaveBeenCalledWith([expect.stringMatching(new RegExp(`^${DEDUPE_KEY_PREFIX}`))]);
    expect(published).toHaveLength(0);

    applier.fail = null;
    expect((await p.publish([observation(DELIVERY.id, 'delivered')])).map((r) => r.outcome)).toEqual(['published']);
    expect(applier.batches).toHaveLength(1);
    expect(published).toHaveLength(1);
  });

  it('takes its dedupe marks back when Kafka refuses after the apply, so that the provider’s retry is applied again and published', async () => {
    const stores = inMemoryStores();
    const forget = jest.spyOn(stores.seen, 'forget');
    const applier = fakeApplier();
    const failing = publisher({ publish: async () => Promise.reject(new Error('broker down')) }, stores, applier).publisher;
    await expect(failing.publish([observation(DELIVERY.id, 'delivered')])).rejects.toThrow('broker down');
    expect(forget).toHaveBeenCalledWith([expect.stringMatching(new RegExp(`^${DEDUPE_KEY_PREFIX}`))]);

    const published: OutgoingMessage[] = [];
    const working = publisher({ publish: async (m) => void published.push(...m) }, stores, applier).publisher;
    expect((await working.publish([observation(DELIVERY.id, 'delivered')])).map((r) => r.outcome)).toEqual(['published']);
    expect(published).toHaveLength(1);
    // Applied by both attempts (the second changes nothing in PostgreSQL: the apply is monotonic).
    expect(applier.batches.map((b) => b.map((e) => e.event.status))).toEqual([['delivered'], ['delivered']]);
  });

  it('gathers concurrent requests into one lookup, one dedupe call and one produce, and answers each its own', async () => {
    const published: OutgoingMessage[][] = [];
    const stores = inMemoryStores();
    const claim = jest.spyOn(stores.seen, 'claim');
    const { publisher: p, counted, applier } = publisher({ publish: async (m) => void published.push(m) }, stores);

    const answers = await Promise.all([
      p.publish([observation(DELIVERY.id, 'sent')]),
      p.publish([observation(DELIVERY.id, 'delivered'), observation(DELIVERY.id, 'received')]),
      p.publish([observation('1b4e28ba-0000-4d3b-a3f5-ef19b5a7633b', 'delivered')]),
      // The same callback twice in one batch: one event, the second answered as its repeat.
      p.publish([observation(DELIVERY.id, 'sent')]),
    ]);

    expect(answers.map((a) => a.map((r) => r.outcome))).toEqual([['published'], ['published', 'ignored'], ['unknown_delivery'], ['duplicate']]);
    expect(published).toHaveLength(1);
    expect(published[0].map((m) => (m.value as { status: string }).status)).toEqual(['sent', 'delivered']);
    expect(claim).toHaveBeenCalledTimes(1);
    // One apply for the batch, in the order the callbacks came, the repeat left out.
    expect(applier.batches.map((b) => b.map((e) => (e.event as DeliveryStatusEventV1).status))).toEqual([['sent', 'delivered']]);
    expect(counted).toEqual([{ published: 2, duplicate: 1, unknown_delivery: 1, ignored: 1, retry_later: 0 }]);

    // And across batches: the resend is dropped.
    expect((await p.publish([observation(DELIVERY.id, 'delivered')])).map((r) => r.outcome)).toEqual(['duplicate']);
    expect(published).toHaveLength(1);
  });

  it('fails every request of a batch that could not be published, and lets every one of them through on retry', async () => {
    const stores = inMemoryStores();
    let brokerUp = false;
    const published: OutgoingMessage[] = [];
    const { publisher: p } = publisher(
      {
        publish: async (m) => {
          if (!brokerUp) throw new Error('broker down');
          published.push(...m);
        },
      },
      stores,
    );
    const attempt = () => Promise.allSettled([p.publish([observation(DELIVERY.id, 'sent')]), p.publish([observation(DELIVERY.id, 'delivered')])]);

    expect((await attempt()).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    brokerUp = true;
    const retried = await attempt();
    expect(retried.map((r) => (r.status === 'fulfilled' ? r.value.map((x) => x.outcome) : r.reason))).toEqual([['published'], ['published']]);
    expect(published).toHaveLength(2);
  });

  it('never drops a retry because of a mark left by an attempt that died before publishing: it asks for the retry again until the mark lapses', async () => {
    let now = 1_000_000;
    const stores = inMemoryStores(() => now);
    // An attempt claimed the callback, then its process died: no publish, no forget, no confirm.
    await stores.seen.claim([DEDUPE_KEY_PREFIX + observation(DELIVERY.id, 'delivered').identity], 60);
    const published: OutgoingMessage[] = [];
    const { publisher: p, counted, applier } = publisher({ publish: async (m) => void published.push(...m) }, stores);

    await expect(p.publish([observation(DELIVERY.id, 'delivered')])).rejects.toMatchObject({ code: 'callback.in_flight' });
    expect(published).toHaveLength(0);
    expect(applier.batches).toHaveLength(0);
    expect(counted).toEqual([expect.objectContaining({ retry_later: 1, duplicate: 0 })]);

    now += 61_000;
    expect((await p.publish([observation(DELIVERY.id, 'delivered')])).map((r) => r.outcome)).toEqual(['published']);
    expect(published).toHaveLength(1);
  });

  it('answers a published batch even when its marks cannot be confirmed, and does not drop the resend for good', async () => {
    const stores = inMemoryStores();
    jest.spyOn(stores.seen, 'confirm').mockRejectedValueOnce(new Error('redis away'));
    const published: OutgoingMessage[] = [];
    const { publisher: p } = publisher({ publish: async (m) => void published.push(...m) }, stores);
    expect((await p.publish([observation(DELIVERY.id, 'delivered')])).map((r) => r.outcome)).toEqual(['published']);
    // Unconfirmed, the claim still holds off a resend (503, come back later) until it lapses.
    await expect(p.publish([observation(DELIVERY.id, 'delivered')])).rejects.toMatchObject({ code: 'callback.in_flight' });
    expect(published).toHaveLength(1);
  });

  it('confirms the dedupe marks and counts the webhook stats in the same round trip, not one after the other', async () => {
    const stores = inMemoryStores();
    const confirm = stores.seen.confirm.bind(stores.seen);
    const { publisher: p, counted } = publisher({ publish: async () => undefined }, stores);
    // The confirmation holds until the stats are sent (a few turns of the event loop at most):
    // one after the other, the stats would only leave once it gave up.
    let statsSentMeanwhile = false;
    jest.spyOn(stores.seen, 'confirm').mockImplementation(async (keys, ttl) => {
      for (let turn = 0; turn < 20 && counted.length === 0; turn += 1) await new Promise((resolve) => setImmediate(resolve));
      statsSentMeanwhile = counted.length > 0;
      return confirm(keys, ttl);
    });
    expect((await p.publish([observation(DELIVERY.id, 'delivered')])).map((r) => r.outcome)).toEqual(['published']);
    expect(statsSentMeanwhile).toBe(true);
    expect(counted).toEqual([expect.objectContaining({ published: 1 })]);
    // And confirmed all the same: the resend is a duplicate, not in flight.
    expect((await p.publish([observation(DELIVERY.id, 'delivered')])).map((r) => r.outcome)).toEqual(['duplicate']);
  });

  it('publishes alongside the live counters’ update, not after it, and fails the batch when the counters fail', async () => {
    let publishedMeanwhile = false;
    const published: OutgoingMessage[] = [];
    const { publisher: p, applier } = publisher({ publish: async (m) => void published.push(...m) });
    // The counters' update holds until the publish was sent (a few turns of the event loop at most).
    applier.counting = async () => {
      for (let turn = 0; turn < 20 && published.length === 0; turn += 1) await new Promise((resolve) => setImmediate(resolve));
      publishedMeanwhile = published.length > 0;
    };
    expect((await p.publish([observation(DELIVERY.id, 'sent')])).map((r) => r.outcome)).toEqual(['published']);
    expect(publishedMeanwhile).toBe(true);

    // Counters away: the batch fails although the event went out, and the resend is let through
    // (applied again, changing nothing, and published again).
    applier.counting = async () => Promise.reject(new Error('redis away'));
    await expect(p.publish([observation(DELIVERY.id, 'delivered')])).rejects.toThrow('redis away');
    applier.counting = null;
    expect((await p.publish([observation(DELIVERY.id, 'delivered')])).map((r) => r.outcome)).toEqual(['published']);
    expect(published.map((m) => (m.value as DeliveryStatusEventV1).status)).toEqual(['sent', 'delivered', 'delivered']);
  });
});
