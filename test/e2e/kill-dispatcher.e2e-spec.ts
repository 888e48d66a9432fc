import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { senderGroup } from '@bin-alert/contracts';
import { MemberRepository, NewMember, openDataSource } from '@bin-alert/persistence';
import { AppConfig } from '@bin-alert/platform';
import { startIntake } from '../../apps/intake/src/start-intake';
import { startTracker } from '../../apps/tracker/src/start-tracker';
import { freePort } from '../../bench/src/support/free-port';
import { RunningProviderSim, startProviderSim } from '../../apps/provider-sim/src/start-provider-sim';
import { stableGroupMembers } from '../support/kafka-probe';
import { resetDatabase, resetKafka, resetRedis } from '../support/reset-infrastructure';
import { testConfig } from '../../bench/src/support/test-config';
import { waitFor } from '../../bench/src/support/wait-for';
import { asAalstOperator } from '../support/access-tokens';

const ROOT = path.join(__dirname, '..', '..');
const DISPATCHER_MAIN = path.join(ROOT, 'dist/apps/dispatcher-sms/src/main.js');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const MEMBERS = 1500;

/**
 * Promise 2: a dispatcher killed with SIGKILL in the middle of a fan-out loses nothing and sends
 * nothing twice. Two real dispatcher processes share the work; one dies; the other takes over
 * its partitions and, once the dead one's leases run out, its deliveries — asking the provider
 * first about those the dead one may have sent just before dying.
 */
describe('killing a dispatcher mid-fan-out', () => {
  let sim: RunningProviderSim;
  let config: AppConfig;
  let db: DataSource;
  let intake: INestApplication;
  let tracker: INestApplication;
  const children: ChildProcess[] = [];

  function spawnDispatcher(name: string): ChildProcess {
    mkdirSync(ARTIFACTS, { recursive: true });
    const log = createWriteStream(path.join(ARTIFACTS, `kill-test-${name}.log`));
    const child = spawn(process.execPath, [DISPATCHER_MAIN], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: config.DATABASE_URL,
        REDIS_URL: config.REDIS_URL,
        KAFKA_BROKERS: config.KAFKA_BROKERS.join(','),
        PROVIDER_SIM_URL: config.PROVIDER_SIM_URL,
        TRACKER_PUBLIC_URL: config.TRACKER_PUBLIC_URL,
        DISPATCHER_SMS_PORT: '0',
        LOG_LEVEL: 'warn',
        DISPATCH_LEASE_MS: '5000',
        KAFKA_SESSION_TIMEOUT_MS: '8000',
        TWILIO_MESSAGES_PER_SECOND: '250',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    children.push(child);
    return child;
  }

  beforeAll(async () => {
    if (!existsSync(DISPATCHER_MAIN)) throw new Error(`${DISPATCHER_MAIN} is missing: run \`npm run build\` first (npm test does)`);
    // Some latency, so that calls are in flight at the moment of the kill.
    sim = await startProviderSim({ port: 0, logger: false, config: { seed: 7, latencyMs: { min: 5, max: 25 } } });
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

  it('ends with every member reached exactly once', async () => {
    const residents: NewMember[] = Array.from({ length: MEMBERS }, (_, i) => ({
      displayName: `Kloosterpark resident ${i}`,
      language: 'nl',
      memberships: [{ binId: 'kloosterpark' }],
      contacts: [{ kind: 'mobile', value: `+3247${String(4_000_000 + i).padStart(7, '0')}`, verified: true }],
    }));
    await new MemberRepository(db).registerMany(residents);

    const doomed = spawnDispatcher('doomed');
    spawnDispatcher('survivor');
    await waitFor(
      () => stableGroupMembers(config.KAFKA_BROKERS, senderGroup('sms', 'normal')),
      (n) => n === 2,
      {
        timeoutMs: 60_000,
        what: 'both dispatcher processes sharing the normal lane',
      },
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
    doomed.kill('SIGKILL');

    await waitFor(accepted, (n) => n === MEMBERS, { timeoutMs: 120_000, intervalMs: 500, what: `all ${MEMBERS} deliveries accepted after the kill` });
    const sms = ((await (await fetch(`${sim.url}/__sim/messages?channel=sms`)).json()) as { messages: Array<{ to: string }> }).messages;
    const perNumber = new Map<string, number>();
    for (const m of sms) perNumber.set(m.to, (perNumber.get(m.to) ?? 0) + 1);
    const duplicates = [...perNumber.values()].filter((n) => n > 1).length;
    const missing = residents.filter((r) => !perNumber.has(r.contacts[0].value)).length;
    expect({ duplicates, missing, sent: sms.length }).toEqual({ duplicates: 0, missing: 0, sent: MEMBERS });
  }, 240_000);
});
