import { inMemoryStores } from '@bin-alert/platform';
import { liveCountersKey } from '@bin-alert/contracts';
import type { AlertOverviewRepository, AlertRepository, AlertWithCounts } from '@bin-alert/persistence';
import { AlertDashboardService, LIVE_SIGNAL_MS, PLAN_REFRESH_MS } from './alert-dashboard.service';

const ALERT = '7f3c1e2a-3b4c-4d5e-8f90-0a1b2c3d4e5f';

/** Live counters the test moves (the in-memory store, as in standalone mode), and PostgreSQL reads it counts. */
function fixture(routeCounts: Awaited<ReturnType<AlertOverviewRepository['routeCounts']>> = {}) {
  const stores = inMemoryStores();
  let delivered = 0;
  const reads = { count: 0 };
  const alerts = {
    findWithCounts: async (): Promise<AlertWithCounts> => {
      reads.count++;
      return {
        alert: {
          id: ALERT,
          categoryCode: 'burglary',
          urgency: 'normal',
          redistributionAllowed: true,
          texts: {},
          status: 'issued',
          createdAt: new Date(0),
          issuedAt: new Date(0),
          expiresAt: null,
          kind: 'actual',
          messageType: 'alert',
        } as AlertWithCounts['alert'],
        binIds: ['herdersem'],
        cancelled: false,
        channels: { sms: { total: 2, byStatus: { delivered, accepted: 2 - delivered }, suppressedByReason: {}, failedByReason: {} } },
      };
    },
  } as unknown as AlertRepository;
  const overview = { timings: async () => ({}), routeCounts: async () => routeCounts } as unknown as AlertOverviewRepository;
  const service = new AlertDashboardService(alerts, overview, stores);
  return {
    service,
    reads,
    deliver: async () => {
      delivered++;
      await stores.counters.add(liveCountersKey(ALERT, 'sms'), { delivered: 1 });
    },
  };
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('an alert dashboard', () => {
  it('splits a channel by the provider route that carried each delivery', async () => {
    const { service } = fixture({ sms: { primary: { delivered: 3, undelivered: 1 }, secondary: { accepted: 2, sent: 1, delivered: 4 } } });
    const dashboard = await service.dashboard(ALERT);
    expect(dashboard.channels.sms!.routes).toEqual([
      { route: 'primary', queued: 4, sent: 4, delivered: 3, failed: 1 },
      { route: 'secondary', queued: 7, sent: 5, delivered: 4, failed: 0 },
    ]);
  });

  it('has no routes for a channel whose deliveries record none', async () => {
    const { service } = fixture();
    expect((await service.dashboard(ALERT)).channels.sms!.routes).toEqual([]);
  });
});

describe('live alert dashboards', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('shares one watch between every viewer of an alert and reads PostgreSQL only when the counters moved', async () => {
    const { service, reads, deliver } = fixture();
    const seen: number[][] = [[], [], []];
    const stops = seen.map((list) => service.watch(ALERT, (d) => list.push(d.channels.sms!.funnel.delivered)));
    expect(service.watchedAlerts()).toBe(1);

    jest.advanceTimersByTime(LIVE_SIGNAL_MS);
    await settle();
    expect(reads.count).toBe(1);
    expect(seen).toEqual([[0], [0], [0]]);

    // Nothing moved: the counters are looked at, PostgreSQL is not.
    jest.advanceTimersByTime(LIVE_SIGNAL_MS);
    await settle();
    expect(reads.count).toBe(1);

    await deliver();
    jest.advanceTimersByTime(LIVE_SIGNAL_MS);
    await settle();
    expect(reads.count).toBe(2);
    expect(seen).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
    ]);

    for (const stop of stops) stop();
    expect(service.watchedAlerts()).toBe(0);
  });

  it('re-reads now and then while nothing moves, for what only PostgreSQL knows (planning), and sends only changes', async () => {
    const { service, reads } = fixture();
    const seen: unknown[] = [];
    const stop = service.watch(ALERT, (d) => seen.push(d));
    for (let t = 0; t <= PLAN_REFRESH_MS * 2; t += LIVE_SIGNAL_MS) {
      jest.advanceTimersByTime(LIVE_SIGNAL_MS);
      await settle();
    }
    expect(reads.count).toBeGreaterThanOrEqual(2);
    expect(seen).toHaveLength(1);
    stop();
  });

  it('ends open streams before the server closes', () => {
    const { service } = fixture();
    const ended: string[] = [];
    service.holdOpen(() => ended.push('a'));
    const release = service.holdOpen(() => ended.push('b'));
    release();
    service.beforeApplicationShutdown();
    expect(ended).toEqual(['a']);
  });
});
