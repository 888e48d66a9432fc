import { jobsTopic } from '@bin-alert/contracts';
import { memberPartition } from '@bin-alert/domain';
import type { MessageBus, OutgoingMessage } from '@bin-alert/messaging';
import type { DeliveryRepository, ReleasedDelivery } from '@bin-alert/persistence';
import { DeferredDeliveryReleaser } from './deferred-delivery.releaser';

describe('DeferredDeliveryReleaser', () => {
  const content = {
    alertId: 'a1',
    category: 'prevention',
    categoryRule: 'opt_out' as const,
    urgency: 'normal' as const,
    redistributionAllowed: true,
    texts: { nl: { title: 'T', body: 'B' } },
    kind: 'test' as const,
    messageType: 'alert' as const,
    expiresAt: new Date('2027-01-15T12:00:00Z'),
  };
  const held: ReleasedDelivery[] = [
    { id: '00000000-0000-4000-8000-000000000001', memberId: '10000000-0000-4000-8000-000000000001', content },
    { id: '00000000-0000-4000-8000-000000000002', memberId: '10000000-0000-4000-8000-000000000002', content },
    { id: '00000000-0000-4000-8000-000000000003', memberId: '10000000-0000-4000-8000-000000000003', content: { ...content, alertId: 'a2', urgency: 'urgent' as const } },
  ];

  // More partitions than the default on one lane, fewer on the other: each job lands on its lane's own spread.
  const partitions = { normal: 24, urgent: 2 };

  it('releases what is due by its own clock and emits it as jobs on each alert’s lane and member partition', async () => {
    const published: OutgoingMessage[] = [];
    const asked: Date[] = [];
    const deliveries = {
      releaseDeferred: async (_channel: string, now: Date, _limit: number, publish: (r: ReleasedDelivery[]) => Promise<void>) => {
        asked.push(now);
        if (asked.length > 1) return 0;
        await publish(held);
        return held.length;
      },
    } as unknown as DeliveryRepository;
    const bus = { publish: async (m: OutgoingMessage[]) => void published.push(...m) } as unknown as MessageBus;
    const at = new Date('2027-01-15T06:01:00Z');
    const releaser = new DeferredDeliveryReleaser('sms', bus, deliveries, { size: 100, partitions }, 1000, 'nl', () => at);

    expect(await releaser.releaseDue()).toBe(3);
    expect(asked).toEqual([at]);
    const ids = published.flatMap((m) => (m.value as { deliveryIds: string[] }).deliveryIds).sort();
    expect(ids).toEqual(held.map((h) => h.id));
    for (const m of published) {
      const job = m.value as {
        alertId: string;
        lane: string;
        deliveryIds: string[];
        expiresAt?: string;
        content: { categoryRule: string; kind: string; fallbackLanguage: string };
      };
      const members = held.filter((h) => job.deliveryIds.includes(h.id));
      expect(new Set(members.map((h) => h.content.alertId))).toEqual(new Set([job.alertId]));
      expect(m.topic).toBe(jobsTopic('sms', job.alertId === 'a2' ? 'urgent' : 'normal'));
      expect(members.every((h) => memberPartition(h.memberId, partitions[job.lane as 'normal' | 'urgent']) === m.partition)).toBe(true);
      expect(job.content.categoryRule).toBe('opt_out');
      // A held test alert still says TEST, and still expires, when it is finally sent.
      expect(job.content).toMatchObject({ kind: 'test', fallbackLanguage: 'nl' });
      expect(job.expiresAt).toBe('2027-01-15T12:00:00.000Z');
    }
  });
});
