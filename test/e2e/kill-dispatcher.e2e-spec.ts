import { dispatcherFanOut } from '../support/dispatcher-fan-out';
import { waitFor } from '../../bench/src/support/wait-for';

const MEMBERS = 1500;

/**
 * Promise 2: a dispatcher killed with SIGKILL in the middle of a fan-out loses nothing and sends
 * nothing twice. Two real dispatcher processes share the work; one dies; the other takes over
 * its partitions and, once the dead one's leases run out, its deliveries — asking the provider
 * first about those the dead one may have sent just before dying.
 */
describe('killing a dispatcher mid-fan-out', () => {
  const fanOut = dispatcherFanOut(7, 'kill-test');

  it('ends with every member reached exactly once', async () => {
    const residents = await fanOut.registerResidents(MEMBERS, 4_000_000);

    // Warnings only in their logs: this spec reads no 'listening' line from them.
    const doomed = fanOut.spawnDispatcher('doomed', { LOG_LEVEL: 'warn' });
    fanOut.spawnDispatcher('survivor', { LOG_LEVEL: 'warn' });
    await fanOut.bothSharingNormalLane('both dispatcher processes sharing the normal lane');

    const { accepted } = await fanOut.alertUnderWay();
    doomed.kill('SIGKILL');

    await waitFor(accepted, (n) => n === MEMBERS, { timeoutMs: 120_000, intervalMs: 500, what: `all ${MEMBERS} deliveries accepted after the kill` });
    expect(await fanOut.smsReached(residents)).toEqual({ duplicates: 0, missing: 0, sent: MEMBERS });
  }, 240_000);
});
