import { DeliveryStatusEventV1 } from '@bin-alert/contracts';
import type { DeliveryStatusChange, DeliveryStatusChangeOutcome, DeliveryTrackingRepository } from '@bin-alert/persistence';
import { Logger } from '@nestjs/common';
import { AppMetrics, createAppLogger, currentCorrelationId, debugLogged } from '@bin-alert/platform';
import { DeliveryStatusApplier } from './delivery-status-applier';
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

function outcome(deliveryId: string, previousStatus: DeliveryStatusChangeOutcome['status'], status: DeliveryStatusChangeOutcome['status']): DeliveryStatusChangeOutcome {
  const transitioned = status !== previousStatus;
  return { deliveryId, alertId: 'a', memberId: 'm', channel: 'sms', previousStatus, status, transitioned, acknowledgedNow: false, reached: transitioned ? [status] : [] };
}

describe('DeliveryStatusApplier', () => {
  it('applies a batch with one statement in its order, and counts only what changed, with one counter update', async () => {
    const statements: DeliveryStatusChange[][] = [];
    const deliveries = {
      applyStatusChanges: async (changes: DeliveryStatusChange[]) => {
        statements.push(changes);
        return { outcomes: [outcome('d1', 'accepted', 'delivered'), outcome('d2', 'delivered', 'delivered')], missing: ['d3'] };
      },
    } as unknown as DeliveryTrackingRepository;
    const counted: DeliveryStatusChangeOutcome[][] = [];
    const counters = { recordAll: async (o: DeliveryStatusChangeOutcome[]) => void counted.push(o) } as unknown as LiveCounters;
    const metrics = new AppMetrics('tracker');
    const applier = new DeliveryStatusApplier(deliveries, counters, metrics);

    await applier.applyAll([event('d1', 'sent'), event('d1', 'delivered'), event('d2', 'sent'), event('d3', 'undelivered')].map((e) => ({ event: e })));

    expect(statements).toHaveLength(1);
    expect(statements[0].map((c) => `${c.deliveryId}:${c.status}`)).toEqual(['d1:sent', 'd1:delivered', 'd2:sent', 'd3:undelivered']);
    expect(counted).toEqual([[outcome('d1', 'accepted', 'delivered')]]);
    expect((await metrics.deliveryStatuses.get()).values).toEqual([expect.objectContaining({ labels: { channel: 'sms', status: 'delivered' }, value: 1 })]);
  });

  it('touches neither PostgreSQL nor the counters for an empty batch, nor the counters when nothing changed', async () => {
    const applyStatusChanges = jest.fn(async () => ({ outcomes: [outcome('d1', 'delivered', 'delivered')], missing: [] }));
    const recordAll = jest.fn();
    const applier = new DeliveryStatusApplier({ applyStatusChanges } as unknown as DeliveryTrackingRepository, { recordAll } as unknown as LiveCounters, new AppMetrics('tracker'));
    await applier.applyAll([]);
    expect(applyStatusChanges).not.toHaveBeenCalled();
    await applier.applyAll([{ event: event('d1', 'sent') }]);
    expect(applyStatusChanges).toHaveBeenCalledTimes(1);
    expect(recordAll).not.toHaveBeenCalled();
  });

  it('resolves once PostgreSQL has the batch, with the counters’ update sent and handed back rather than waited for', async () => {
    const deliveries = { applyStatusChanges: async () => ({ outcomes: [outcome('d1', 'accepted', 'delivered')], missing: [] }) } as unknown as DeliveryTrackingRepository;
    let count: () => void = () => undefined;
    const recordAll = jest.fn(() => new Promise<void>((resolve) => (count = resolve)));
    const applier = new DeliveryStatusApplier(deliveries, { recordAll } as unknown as LiveCounters, new AppMetrics('tracker'));
    const { counted } = await applier.applyAll([{ event: event('d1', 'delivered') }]);
    expect(recordAll).toHaveBeenCalledTimes(1);
    let done = false;
    void counted.then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    count();
    await counted;
    expect(done).toBe(true);
  });

  it('counts every status each delivery reached, and every acknowledgement, once per series for the batch', async () => {
    const reachedBoth = { ...outcome('d1', 'accepted', 'delivered'), reached: ['sent', 'delivered'] as DeliveryStatusChangeOutcome['reached'] };
    const call = { ...outcome('d4', 'accepted', 'answered'), channel: 'voice' as const, acknowledgedNow: true };
    const acknowledgedOnly = { ...outcome('d5', 'answered', 'answered'), channel: 'voice' as const, acknowledgedNow: true };
    const deliveries = {
      applyStatusChanges: async () => ({ outcomes: [reachedBoth, outcome('d2', 'sent', 'delivered'), outcome('d3', 'accepted', 'sent'), call, acknowledgedOnly], missing: [] }),
    } as unknown as DeliveryTrackingRepository;
    const metrics = new AppMetrics('tracker');
    const applier = new DeliveryStatusApplier(deliveries, { recordAll: async () => undefined } as unknown as LiveCounters, metrics);

    await applier.applyAll([{ event: event('d1', 'delivered') }]);

    const counted = (await metrics.deliveryStatuses.get()).values.map((v) => [v.labels.channel, v.labels.status, v.value]);
    expect(counted).toEqual(
      expect.arrayContaining([
        ['sms', 'sent', 2],
        ['sms', 'delivered', 2],
        ['voice', 'answered', 1],
      ]),
    );
    expect(counted).toHaveLength(3);
    expect((await metrics.deliveriesAcknowledged.get()).values).toEqual([expect.objectContaining({ labels: { channel: 'voice' }, value: 2 })]);
  });

  it('builds its per-event debug lines only when the app logger writes debug, each under its event correlation id', async () => {
    const deliveries = {
      applyStatusChanges: async () => ({ outcomes: [outcome('d1', 'accepted', 'delivered'), outcome('d2', 'delivered', 'delivered')], missing: [] }),
    } as unknown as DeliveryTrackingRepository;
    const applier = new DeliveryStatusApplier(deliveries, { recordAll: async () => undefined } as unknown as LiveCounters, new AppMetrics('tracker'));
    const lines: Array<{ msg: string; correlationId: string | undefined }> = [];
    const debug = jest.spyOn(Logger.prototype, 'debug').mockImplementation((line: { msg: string }) => void lines.push({ msg: line.msg, correlationId: currentCorrelationId() }));
    const batch = [
      { event: event('d1', 'delivered'), correlationId: 'c1' },
      { event: event('d2', 'delivered'), correlationId: 'c2' },
    ];
    try {
      createAppLogger({ LOG_LEVEL: 'log', LOG_FORMAT: 'json' }, 'tracker');
      expect(debugLogged()).toBe(false);
      await applier.applyAll(batch);
      expect(debug).not.toHaveBeenCalled();

      createAppLogger({ LOG_LEVEL: 'debug', LOG_FORMAT: 'json' }, 'tracker');
      expect(debugLogged()).toBe(true);
      await applier.applyAll(batch);
      expect(lines).toEqual([
        { msg: 'delivery status changed nothing', correlationId: 'c2' },
        { msg: 'delivery status applied', correlationId: 'c1' },
      ]);
    } finally {
      debug.mockRestore();
    }
  });
});
