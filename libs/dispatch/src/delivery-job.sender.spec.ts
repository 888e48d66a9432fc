import type { DeliveryJobV2 } from '@bin-alert/contracts';
import type { HandlerContext } from '@bin-alert/messaging';
import type { ClaimedDelivery, DeliveryRepository, PlanningRepository } from '@bin-alert/persistence';
import type { ChannelSender } from './channel-sender';
import { DeliveryJobSender } from './delivery-job.sender';
import type { DispatchSettings } from './dispatch-settings';
import { LaneGate } from './lane-gate';

const ALERT = '00000000-0000-4000-8000-000000000001';
const DELIVERY = '00000000-0000-4000-8000-0000000000d1';

const job: DeliveryJobV2 = {
  type: 'delivery.job',
  version: 2,
  jobId: 'job-1',
  alertId: ALERT,
  channel: 'sms',
  lane: 'urgent',
  members: { partition: 0, first: '00000000-0000-4000-8000-0000000000a1', last: '00000000-0000-4000-8000-0000000000a1', deliveries: 1 },
  content: { urgency: 'urgent', redistributionAllowed: false, texts: { nl: { title: 't', body: 'b' } } as DeliveryJobV2['content']['texts'] },
  plannedAt: new Date(0).toISOString(),
};

/** Resolves once `other` has been asked too: awaiting one before asking the other never ends. */
function rendezvous() {
  let arrived = 0;
  let release: () => void = () => undefined;
  const both = new Promise<void>((resolve) => {
    release = resolve;
  });
  return async () => {
    arrived++;
    if (arrived === 2) release();
    await both;
  };
}

describe('DeliveryJobSender, before its first claim', () => {
  it('asks whether the alert was cancelled while it looks up the job’s deliveries, not one after the other', async () => {
    const meet = rendezvous();
    const asked: string[] = [];
    const planning = {
      jobsDeliveryIds: async () => {
        await meet();
        return [DELIVERY];
      },
      inLanguageOrder: async (ids: string[]) => ids,
    } as unknown as PlanningRepository;
    const deliveries = {
      alertCancelled: async () => {
        await meet();
        asked.push('cancelled?');
        return false;
      },
      claim: async (ids: string[]) => {
        asked.push('claim');
        return ids.map((id) => ({ id, memberId: 'm', language: 'nl', to: '+32470000001', inDoubtSince: null, plannedAt: new Date() }) as ClaimedDelivery);
      },
      recordOutcomes: async (outcomes: Array<{ id: string }>) => outcomes.map((o) => o.id),
      foreignLeaseEnd: async () => null,
    } as unknown as DeliveryRepository;
    const sender: ChannelSender = { channel: 'sms', admitsOnClaim: false, send: async (claimed) => claimed.map((d) => ({ id: d.id, status: 'accepted' as const })) };
    const settings = { sendConcurrency: 16, emailJobSize: 1000, leaseMs: 60_000 } as DispatchSettings;
    const jobs = new DeliveryJobSender(sender, deliveries, planning, new LaneGate(), settings, 'holder');

    const summary = await jobs.handle(job, { heartbeat: async () => undefined } as unknown as HandlerContext);

    expect(summary.sent).toBe(1);
    // Asked once, up front: the first chunk does not ask again before it claims.
    expect(asked).toEqual(['cancelled?', 'claim']);
  });
});
