import { dispatcherFanOut } from '../support/dispatcher-fan-out';
import { listeningUrl } from '../support/dispatcher-process';
import { waitFor } from '../../bench/src/support/wait-for';

const MEMBERS = 1500;
const DRAIN_DEADLINE_SECONDS = 10;
const LEASE_MS = 5000;

/**
 * ADR 0017: a dispatcher sent SIGTERM in the middle of a fan-out says it is not ready before
 * anything else, stops taking work, finishes what it holds within the deadline and exits; the
 * other instance finishes the alert with nobody reached twice and nobody missed.
 */
describe('draining a dispatcher mid-fan-out', () => {
  const fanOut = dispatcherFanOut(11, 'drain-test');

  it('goes unready first, exits within the deadline, and leaves nothing sending and nothing sent twice', async () => {
    const residents = await fanOut.registerResidents(MEMBERS, 5_000_000);

    const env = { DRAIN_DEADLINE_SECONDS: String(DRAIN_DEADLINE_SECONDS), DISPATCH_LEASE_MS: String(LEASE_MS) };
    const draining = fanOut.spawnDispatcher('draining', env);
    fanOut.spawnDispatcher('survivor', env);
    const drainingUrl = await listeningUrl(draining);
    await fanOut.bothSharingNormalLane('both dispatchers sharing the normal lane');

    const { alertId, accepted } = await fanOut.alertUnderWay();

    // Readiness is polled from before the signal until the process is gone.
    const readiness: number[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        readiness.push(
          await fetch(`${drainingUrl}/health/ready`).then(
            (r) => r.status,
            () => 0,
          ),
        );
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await waitFor(
      async () => readiness.length,
      (n) => n > 0,
      { what: 'a readiness answer before the signal' },
    );
    const exited = new Promise<{ code: number | null; ms: number }>((resolve) => {
      const at = Date.now();
      draining.once('exit', (code) => resolve({ code, ms: Date.now() - at }));
    });
    draining.kill('SIGTERM');
    const exit = await exited;
    polling = false;
    await poll;

    expect(exit.ms).toBeLessThan(DRAIN_DEADLINE_SECONDS * 1000);
    expect(exit.code).toBe(0);
    // 200 until the signal, then 503 while draining, then nothing (closed): never 200 after a 503.
    const firstUnready = readiness.indexOf(503);
    expect(firstUnready).toBeGreaterThan(0);
    expect(readiness.slice(firstUnready).every((s) => s !== 200)).toBe(true);

    await waitFor(accepted, (n) => n === MEMBERS, { timeoutMs: 120_000, intervalMs: 500, what: `all ${MEMBERS} deliveries accepted by the survivor` });
    const stuck = Number((await fanOut.db.query(`SELECT count(*) AS n FROM deliveries WHERE alert_id = $1 AND status = 'sending'`, [alertId]))[0].n);
    expect(stuck).toBe(0);
    expect(await fanOut.smsReached(residents)).toEqual({ duplicates: 0, missing: 0, sent: MEMBERS });
  }, 240_000);
});
