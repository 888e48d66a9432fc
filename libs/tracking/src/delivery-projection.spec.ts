import { DeliveryStatusEventV1 } from '@bin-alert/contracts';
import type { IncomingMessage } from '@bin-alert/messaging';
import type { DeliveryStatusChange, DeliveryTrackingRepository } from '@bin-alert/persistence';
import { AppMetrics } from '@bin-alert/platform';
import { DeliveryProjection } from './delivery-projection';
import type { LiveCounters } from './live-counters';

function event(deliveryId: string, status: DeliveryStatusEventV1['status']): DeliveryStatusEventV1 {
  const at = new Date(0).toISOString();
  return {
    type: 'delivery.status',
    version: 1,
    eventId: `${deliveryId}-${status}`,
    deliveryId,
    alertId: 'a',
    memberId: 'm',
    channel: 'sms',
    status,
    provider: 'twilio',
    providerStatus: status,
    acknowledged: false,
    occurredAt: at,
    receivedAt: at,
  };
}

const message = (value: DeliveryStatusEventV1) => ({ value, headers: {} }) as unknown as IncomingMessage<DeliveryStatusEventV1>;

describe('DeliveryProjection', () => {
  it('applies the shares of the partitions fetched together with one statement, each partition in its order', async () => {
    const statements: DeliveryStatusChange[][] = [];
    const deliveries = {
      applyStatusChanges: async (changes: DeliveryStatusChange[]) => {
        statements.push(changes);
        return { outcomes: [], missing: [] };
      },
    } as unknown as DeliveryTrackingRepository;
    const projection = new DeliveryProjection(deliveries, { recordAll: async () => undefined } as unknown as LiveCounters, new AppMetrics('tracker'));

    await Promise.all([
      projection.project([message(event('d1', 'sent')), message(event('d1', 'delivered'))]),
      projection.project([message(event('d2', 'sent'))]),
      projection.project([message(event('d3', 'undelivered'))]),
    ]);

    expect(statements).toHaveLength(1);
    expect(statements[0].map((c) => `${c.deliveryId}:${c.status}`)).toEqual(['d1:sent', 'd1:delivered', 'd2:sent', 'd3:undelivered']);
  });
});
