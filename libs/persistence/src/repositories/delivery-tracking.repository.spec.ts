import { DELIVERY_STATUSES, DeliveryStatus, TRACKED_DELIVERY_STATUSES, TrackedDeliveryStatus, nextDeliveryStatus } from '@bin-alert/domain';
import { DELIVERY_TRANSITIONS, DeliveryStatusChange, foldStatusChanges } from './delivery-tracking.repository';

const D = '6f1b2a8e-4c1d-5e2f-9a3b-7c8d9e0f1a2b';
const change = (status: TrackedDeliveryStatus, extra: Partial<DeliveryStatusChange> = {}): DeliveryStatusChange => ({
  deliveryId: D,
  channel: 'voice',
  status,
  providerStatus: `p-${status}`,
  acknowledged: false,
  occurredAt: new Date(0),
  ...extra,
});
const applyInOrder = (from: DeliveryStatus, statuses: readonly DeliveryStatus[]) => statuses.reduce<DeliveryStatus>((s, incoming) => nextDeliveryStatus(s, incoming) ?? s, from);

describe('DELIVERY_TRANSITIONS', () => {
  it('is the domain’s state machine, pair for pair', () => {
    const allowed = new Set(DELIVERY_TRANSITIONS.map(([from, to]) => `${from}>${to}`));
    for (const current of DELIVERY_STATUSES) {
      for (const incoming of TRACKED_DELIVERY_STATUSES)
        expect([current, incoming, allowed.has(`${current}>${incoming}`)]).toEqual([current, incoming, nextDeliveryStatus(current, incoming) !== null]);
    }
  });
});

describe('foldStatusChanges', () => {
  const sequences = (length: number): TrackedDeliveryStatus[][] =>
    length === 0 ? [[]] : sequences(length - 1).flatMap((seq) => TRACKED_DELIVERY_STATUSES.map((s) => [...seq, s]));

  it('leaves every delivery, from every status, where applying each change in order would, for every sequence of up to three', () => {
    let checked = 0;
    for (const length of [1, 2, 3]) {
      for (const seq of sequences(length)) {
        const [fold] = foldStatusChanges(seq.map((s) => change(s)));
        for (const from of DELIVERY_STATUSES) {
          const once = nextDeliveryStatus(from, fold.decisive.status) ?? from;
          if (once !== applyInOrder(from, seq)) throw new Error(`${from} + ${seq.join(',')}: folded ${once}, in order ${applyInOrder(from, seq)}`);
          checked++;
        }
      }
    }
    const n = TRACKED_DELIVERY_STATUSES.length;
    expect(checked).toBe(DELIVERY_STATUSES.length * (n + n ** 2 + n ** 3));
  });

  it('keeps the fields of the change that decides, and the time of the first "press 1"', () => {
    const [fold] = foldStatusChanges([
      change('sent', { providerStatus: 'ringing', occurredAt: new Date(1) }),
      change('answered', { providerStatus: 'in-progress', acknowledged: true, occurredAt: new Date(2) }),
      change('answered', { providerStatus: 'gather', acknowledged: true, occurredAt: new Date(3) }),
      change('delivered', { providerStatus: 'completed', reason: 'answered_by_machine', occurredAt: new Date(4) }),
      change('sent', { providerStatus: 'initiated', occurredAt: new Date(5) }),
    ]);
    expect(fold).toMatchObject({
      decisive: { status: 'delivered', providerStatus: 'completed', reason: 'answered_by_machine', occurredAt: new Date(4) },
      acknowledgedAt: new Date(2),
      position: 3,
    });
  });

  it('keeps deliveries, channels and provider ids apart, so that a redialled call’s old id is judged on its own', () => {
    const folds = foldStatusChanges([
      change('no_answer', { providerId: 'CA-old' }),
      change('sent', { providerId: 'CA-new' }),
      change('answered', { providerId: 'CA-new' }),
      change('delivered', { deliveryId: '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b' }),
      change('delivered', { channel: 'sms', providerId: 'CA-new' }),
    ]);
    expect(folds.map((f) => [f.decisive.deliveryId.slice(0, 4), f.decisive.channel, f.decisive.providerId, f.decisive.status, f.changes.length])).toEqual([
      ['6f1b', 'voice', 'CA-old', 'no_answer', 1],
      ['6f1b', 'voice', 'CA-new', 'answered', 2],
      ['1b4e', 'voice', undefined, 'delivered', 1],
      ['6f1b', 'sms', 'CA-new', 'delivered', 1],
    ]);
  });
});
