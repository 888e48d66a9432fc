import 'reflect-metadata';
import { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { senderGroup } from '@bin-alert/contracts';
import { MemberRepository, NewMember, openDataSource } from '@bin-alert/persistence';
import { AppConfig } from '@bin-alert/platform';
import { startIntake } from '../../apps/intake/src/start-intake';
import { startTracker } from '../../apps/tracker/src/start-tracker';
import { RunningProviderSim, startProviderSim } from '../../apps/provider-sim/src/start-provider-sim';
import { DISPATCHER_SMS_MAIN, listeningUrl, spawnSmsDispatcher } from '../support/dispatcher-process';
import { freePort } from '../../bench/src/support/free-port';
import { stableGroupMembers } from '../support/kafka-probe';
import { resetDatabase, resetKafka, resetRedis } from '../support/reset-infrastructure';
import { testConfig } from '../../bench/src/support/test-config';
import { waitFor } from '../../bench/src/support/wait-for';
import { asAalstOperator } from '../support/access-tokens';

const MEMBERS = 1500;
const DRAIN_DEADLINE_SECONDS = 10;
const LEASE_MS = 5000;

/**
 * ADR 0017: a dispatcher sent SIGTERM in the middle of a fan-out says it is not ready before
 * anything else, stops taking work, finishes what it holds within the deadline and exits; the
 * other instance finishes the alert with nobody reached twice and nobody missed.
 */
describe('draining a dispatcher mid-fan-out', () => {
  let sim: RunningProviderSim;
  let config: AppConfig;
  let db: DataSource;
  let intake: INestApplication;
  let tracker: INestApplication;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    if (!existsSync(DISPATCHER_SMS_MAIN)) throw new Error(`${DISPATCHER_SMS_MAIN} is missing: run \`npm run build\` first (npm test does)`);
    sim = await startProviderSim({ port: 0, logger: false, config: { seed: 11, latencyMs: { min: 5, max: 25 } } });
    const trackerPort = await freePort();
    config = testConfig({ PROVIDER_SIM_URL: sim.url, TRACKER_PORT: String(trackerPort), TRACKER_PUBLIC_URL: `http://127.0.0.1:${trackerPort}` });
    await resetDatabase(config.DATABASE_URL);
    await resetRedis(config.REDIS_URL);
    await resetKafka(config.KAFKA_BROKERS);
    db = await openDataSource(config.DATABASE_URL, 3);
    intake = await startIntake(config, 0);
    tracker = await startTracker(config);
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await intake?.close();
    await tracker?.close();
    await sim?.close();
    await db?.destroy();
  });

  it('goes unready first, exits within the deadline, and leaves nothing sending and nothing sent twice', async () => {
    const residents: NewMember[] = Array.from({ length: MEMBERS }, (_, i) => ({
      displayName: `Kloosterpark resident ${i}`,
      language: 'nl',
      memberships: [{ binId: 'kloosterpark' }],
      contacts: [{ kind: 'mobile', value: `+3247${String(5_000_000 + i).padStart(7, '0')}`, verified: true }],
    }));
    await new MemberRepository(db).registerMany(residents);

    const env = { DRAIN_DEADLINE_SECONDS: String(DRAIN_DEADLINE_SECONDS), DISPATCH_LEASE_MS: String(LEASE_MS) };
    const draining = spawnSmsDispatcher(config, 'draining', env, 'drain-test');
    children.push(draining, spawnSmsDispatcher(config, 'survivor', env, 'drain-test'));
    const drainingUrl = await listeningUrl(draining);
    await waitFor(
      () => stableGroupMembers(config.KAFKA_BROKERS, senderGroup('sms', 'normal')),
      (n) => n === 2,
      { timeoutMs: 60_000, what: 'both dispatchers sharing the normal lane' },
    );

    const res = await fetch(`${await intake.getUrl()}/v1/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...asAalstOperator() },
      body: JSON.stringify({ category: 'prevention', bins: ['kloosterpark'], texts: { nl: { title: 'Quick & Lock', body: 'Fietsgraveeractie op zaterdag.' } } }),
    });
    expect(res.status).toBe(201);
    const { id: alertId } = (await res.json()) as { id: string };
    const accepted = async () => Number((await db.query(`SELECT count(*) AS n FROM deliveries WHERE alert_id = $1 AND accepted_at IS NOT NULL`, [alertId]))[0].n);
    await waitFor(accepted, (n) => n >= 300, { timeoutMs: 60_000, what: 'the fan-out to be under way' });

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
    const stuck = Number((await db.query(`SELECT count(*) AS n FROM deliveries WHERE alert_id = $1 AND status = 'sending'`, [alertId]))[0].n);
    expect(stuck).toBe(0);
    const sms = ((await (await fetch(`${sim.url}/__sim/messages?channel=sms`)).json()) as { messages: Array<{ to: string }> }).messages;
    const perNumber = new Map<string, number>();
    for (const m of sms) perNumber.set(m.to, (perNumber.get(m.to) ?? 0) + 1);
    const duplicates = [...perNumber.values()].filter((n) => n > 1).length;
    const missing = residents.filter((r) => !perNumber.has(r.contacts[0].value)).length;
    expect({ duplicates, missing, sent: sms.length }).toEqual({ duplicates: 0, missing: 0, sent: MEMBERS });
  }, 240_000);
});
