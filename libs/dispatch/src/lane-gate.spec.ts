import { LaneGate } from './lane-gate';

describe('LaneGate', () => {
  it('lets normal work through when nothing urgent runs', async () => {
    await expect(new LaneGate().clearForNormal()).resolves.toBeUndefined();
  });

  it('holds normal work until the last urgent job ends', async () => {
    const gate = new LaneGate();
    const order: string[] = [];
    let finishFirst!: () => void;
    let finishSecond!: () => void;
    const first = gate.whileUrgent(() => new Promise<void>((r) => (finishFirst = r)));
    const second = gate.whileUrgent(() => new Promise<void>((r) => (finishSecond = r)));
    const normal = gate.clearForNormal().then(() => order.push('normal'));
    finishFirst();
    await first;
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(gate.urgentActive).toBe(true);
    finishSecond();
    await second;
    await normal;
    expect(order).toEqual(['normal']);
    expect(gate.urgentActive).toBe(false);
  });

  it('releases normal work even when urgent work fails', async () => {
    const gate = new LaneGate();
    await expect(
      gate.whileUrgent(async () => {
        throw new Error('provider down');
      }),
    ).rejects.toThrow('provider down');
    await expect(gate.clearForNormal()).resolves.toBeUndefined();
  });

  it('holds normal planning while an urgent alert is planned, not while urgent jobs are sent (ADR 0063)', async () => {
    const gate = new LaneGate();
    let finishSending!: () => void;
    let finishPlanning!: () => void;
    const sending = gate.whileUrgent(() => new Promise<void>((r) => (finishSending = r)));
    await expect(gate.clearForNormalPlanning()).resolves.toBeUndefined();
    const planning = gate.whilePlanningUrgent(() => new Promise<void>((r) => (finishPlanning = r)));
    let cleared = false;
    const normalPlanning = gate.clearForNormalPlanning().then(() => (cleared = true));
    await new Promise((r) => setImmediate(r));
    expect(cleared).toBe(false);
    finishPlanning();
    await planning;
    await normalPlanning;
    expect(gate.urgentActive).toBe(true);
    finishSending();
    await sending;
    expect(gate.urgentActive).toBe(false);
  });
});
