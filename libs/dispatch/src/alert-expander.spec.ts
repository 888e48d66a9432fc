import type { AlertIssuedV1 } from '@bin-alert/contracts';
import type { MessageBus } from '@bin-alert/messaging';
import type { AlertRepository, PlanningRepository, ReferenceDataRepository } from '@bin-alert/persistence';
import { AlertExpander } from './alert-expander';
import type { DispatchSettings } from './dispatch-settings';
import { LaneGate } from './lane-gate';

const SETTINGS = { pageSize: 1000, jobSize: 100, emailJobSize: 1000, jobPartitions: { urgent: 24, normal: 24 } } as DispatchSettings;

function alert(urgency: AlertIssuedV1['urgency']): AlertIssuedV1 {
  return {
    type: 'alert.issued',
    version: 1,
    alertId: '00000000-0000-4000-8000-000000000001',
    category: 'missing_person',
    urgency,
    binIds: ['moorsel'],
    redistributionAllowed: false,
    texts: { nl: { title: 't', body: 'b' } } as AlertIssuedV1['texts'],
    issuedAt: new Date(0).toISOString(),
  };
}

/** An expander whose planning reports whether the instance's normal lane was held while it ran. */
function expanderWith(gate: LaneGate) {
  const heldWhilePlanning: boolean[] = [];
  const planning = {
    plan: async () => {
      heldWhilePlanning.push(gate.urgentActive);
    },
  } as unknown as PlanningRepository;
  const references = { findCategory: async () => ({ code: 'missing_person', rule: 'all', quietHours: null }) } as unknown as ReferenceDataRepository;
  const alerts = { exists: async () => true } as unknown as AlertRepository;
  const bus = { publish: async () => undefined } as unknown as MessageBus;
  const expander = new AlertExpander('sms', bus, alerts, references, planning, SETTINGS, undefined, undefined, gate);
  return { expander, heldWhilePlanning };
}

describe('AlertExpander and the lane gate', () => {
  const context = { heartbeat: async () => undefined };

  it('holds the normal lane while it plans an urgent alert, and releases it after', async () => {
    const gate = new LaneGate();
    const { expander, heldWhilePlanning } = expanderWith(gate);
    await expander.expand(alert('urgent'), context);
    expect(heldWhilePlanning).toEqual([true]);
    expect(gate.urgentActive).toBe(false);
  });

  it('leaves the normal lane open while it plans a normal alert', async () => {
    const gate = new LaneGate();
    const { expander, heldWhilePlanning } = expanderWith(gate);
    await expander.expand(alert('normal'), context);
    expect(heldWhilePlanning).toEqual([false]);
  });
});
