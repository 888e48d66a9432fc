import { deliveryStatusEventV1 } from '@bin-alert/contracts';
import type { MessageBus, OutgoingMessage } from '@bin-alert/messaging';
import type { DeliveryTrackingRepository, TrackedDelivery } from '@bin-alert/persistence';
import { inMemoryStores } from '@bin-alert/platform';
import type { TrackerSettings } from '../tracker-settings';
import { messageStatusForm } from '../webhooks/provider-forms';
import { messageStatusObservation } from './callback-observation';
import { DEDUPE_KEY_PREFIX, StatusEventPublisher } from './status-event-publisher';
import type { WebhookStats } from './webhook-stats';

const DELIVERY: TrackedDelivery = {
  id: '6f1b2a8e-4c1d-5e2f-9a3b-7c8d9e0f1a2b',
  alertId: '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b',
  memberId: '9b2f7c1e-3a4d-4e5f-8a6b-7c8d9e0f1a2b',
  channel: 'sms',
  status: 'accepted',
  language: 'nl',
};

function publisher(bus: Partial<MessageBus>, stores = inMemoryStores()) {
  const deliveries = { findForTracking: async (ids: string[]) => new Map(ids.filter((id) => id === DELIVERY.id).map((id) => [id, DELIVERY])) };
  const counted: Array<Record<string, number>> = [];
  const stats = { add: async (c: Record<string, number>) => void counted.push(c) };
  const settings = { dedupeTtlSeconds: 60 } as TrackerSettings;
  return {
    stores,
    counted,
    publisher: new StatusEventPublisher(bus as MessageBus, stores, settings, deliveries as unknown as DeliveryTrackingRepository, stats as unknown as WebhookStats),
  };
}

const observation = (deliveryId: string, status: string) =>
  messageStatusObservation(deliveryId, messageStatusForm.parse({ MessageSid: 'SM1', MessageStatus: status, ErrorCode: status === 'undelivered' ? '30003' : undefined }));

describe('StatusEventPublisher', () => {
  it('publishes a valid DeliveryStatusEvent keyed by member, once per callback identity', async () => {
    const published: OutgoingMessage[] = [];
    const { publisher: p, counted } = publisher({ publish: async (m) => void published.push(...m) });
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
    expect(counted).toEqual([
      { published: 1, duplicate: 0, unknown_delivery: 0, ignored: 0 },
      { published: 0, duplicate: 1, unknown_delivery: 0, ignored: 0 },
    ]);
  });

  it('drops callbacks for unknown deliveries and those that say nothing, without publishing', async () => {
    const publish = jest.fn();
    const { publisher: p } = publisher({ publish });
    const results = await p.publish([observation('1b4e28ba-0000-4d3b-a3f5-ef19b5a7633b', 'delivered'), observation(DELIVERY.id, 'received'), observation('nonsense', 'sent')]);
    expect(results.map((r) => r.outcome)).toEqual(['unknown_delivery', 'ignored', 'unknown_delivery']);
    expect(publish).not.toHaveBeenCalled();
  });

  it('takes its dedupe marks back when Kafka refuses, so that the provider’s retry gets through', async () => {
    const stores = inMemoryStores();
    const forget = jest.spyOn(stores.seen, 'forget');
    const failing = publisher({ publish: async () => Promise.reject(new Error('broker down')) }, stores).publisher;
    await expect(failing.publish([observation(DELIVERY.id, 'delivered')])).rejects.toThrow('broker down');
    expect(forget).toHaveBeenCalledWith([expect.stringMatching(new RegExp(`^${DEDUPE_KEY_PREFIX}`))]);

    const published: OutgoingMessage[] = [];
    const working = publisher({ publish: async (m) => void published.push(...m) }, stores).publisher;
    expect((await working.publish([observation(DELIVERY.id, 'delivered')])).map((r) => r.outcome)).toEqual(['published']);
    expect(published).toHaveLength(1);
  });
});
