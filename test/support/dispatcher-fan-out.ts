import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { senderGroup } from '@bin-alert/contracts';
import { MemberRepository, type NewMember, openDataSource } from '@bin-alert/persistence';
import type { AppConfig } from '@bin-alert/platform';
import { startIntake } from '../../apps/intake/src/start-intake';
import { startTracker } from '../../apps/tracker/src/start-tracker';
import { type RunningProviderSim, startProviderSim } from '../../apps/provider-sim/src/start-provider-sim';
import { freePort } from '../../bench/src/support/free-port';
import { testConfig } from '../../bench/src/support/test-config';
import { waitFor } from '../../bench/src/support/wait-for';
import { asAalstOperator } from './access-tokens';
import { DISPATCHER_SMS_MAIN, spawnSmsDispatcher } from './dispatcher-process';
import { stableGroupMembers } from './kafka-probe';
import { resetDatabase, resetKafka, resetRedis } from './reset-infrastructure';
import { residents } from './residents';

/** A fan-out's system, set by its beforeAll, with the steps the dispatcher-process specs take alike. */
export interface DispatcherFanOut {
  sim: RunningProviderSim;
  config: AppConfig;
  db: DataSource;
  /** A built SMS dispatcher as its own process, its log test-artifacts/<logPrefix>-<name>.log; killed after the suite if still running. */
  spawnDispatcher(name: string, env?: Record<string, string>): ChildProcess;
  /** `count` members of kloosterpark with a verified mobile each, numbered from `first`, registered. */
  registerResidents(count: number, first: number): Promise<NewMember[]>;
  /** Until two dispatcher processes hold partitions of the normal SMS lane. */
  bothSharingNormalLane(what: string): Promise<number>;
  /**
   * An operator of Aalst posts a prevention alert to kloosterpark, and it is let run until the
   * provider has accepted 300 of its deliveries: the fan-out under way, the moment the specs stop a
   * dispatcher. `accepted` counts the alert's deliveries the provider accepted so far.
   */
  alertUnderWay(): Promise<{ alertId: string; accepted: () => Promise<number> }>;
  /** The SMS the simulator received: numbers reached more than once, residents not reached, and how many in all. */
  smsReached(residents: NewMember[]): Promise<{ duplicates: number; missing: number; sent: number }>;
}

/**
 * What the specs that stop a real dispatcher process in the middle of a fan-out (kill, drain) set
 * up alike: the provider simulator with some latency, so that calls are in flight at the moment a
 * dispatcher stops; PostgreSQL, Redis and Kafka emptied; intake and the tracker in this process.
 * All of it, and every dispatcher spawned, closed after the suite. Call it inside the spec's describe.
 */
export function dispatcherFanOut(simSeed: number, logPrefix: string): DispatcherFanOut {
  const children: ChildProcess[] = [];
  let intake: INestApplication;
  let tracker: INestApplication;
  const fanOut: DispatcherFanOut = {
    sim: undefined as unknown as RunningProviderSim,
    config: undefined as unknown as AppConfig,
    db: undefined as unknown as DataSource,
    spawnDispatcher(name, env = {}) {
      const child = spawnSmsDispatcher(fanOut.config, name, env, logPrefix);
      children.push(child);
      return child;
    },
    async registerResidents(count, first) {
      const registered = residents('kloosterpark', count, first);
      await new MemberRepository(fanOut.db).registerMany(registered);
      return registered;
    },
    bothSharingNormalLane: (what) =>
      waitFor(
        () => stableGroupMembers(fanOut.config.KAFKA_BROKERS, senderGroup('sms', 'normal')),
        (n) => n === 2,
        { timeoutMs: 60_000, what },
      ),
    async alertUnderWay() {
      const res = await fetch(`${await intake.getUrl()}/v1/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...asAalstOperator() },
        body: JSON.stringify({ category: 'prevention', bins: ['kloosterpark'], texts: { nl: { title: 'Quick & Lock', body: 'Fietsgraveeractie op zaterdag.' } } }),
      });
      expect(res.status).toBe(201);
      const { id: alertId } = (await res.json()) as { id: string };
      const accepted = async () => Number((await fanOut.db.query(`SELECT count(*) AS n FROM deliveries WHERE alert_id = $1 AND accepted_at IS NOT NULL`, [alertId]))[0].n);
      await waitFor(accepted, (n) => n >= 300, { timeoutMs: 60_000, what: 'the fan-out to be under way' });
      return { alertId, accepted };
    },
    async smsReached(reachable) {
      const sms = ((await (await fetch(`${fanOut.sim.url}/__sim/messages?channel=sms`)).json()) as { messages: Array<{ to: string }> }).messages;
      const perNumber = new Map<string, number>();
      for (const m of sms) perNumber.set(m.to, (perNumber.get(m.to) ?? 0) + 1);
      const duplicates = [...perNumber.values()].filter((n) => n > 1).length;
      const missing = reachable.filter((r) => !perNumber.has(r.contacts[0].value)).length;
      return { duplicates, missing, sent: sms.length };
    },
  };

  beforeAll(async () => {
    if (!existsSync(DISPATCHER_SMS_MAIN)) throw new Error(`${DISPATCHER_SMS_MAIN} is missing: run \`npm run build\` first (npm test does)`);
    fanOut.sim = await startProviderSim({ port: 0, logger: false, config: { seed: simSeed, latencyMs: { min: 5, max: 25 } } });
    const trackerPort = await freePort();
    fanOut.config = testConfig({ PROVIDER_SIM_URL: fanOut.sim.url, TRACKER_PORT: String(trackerPort), TRACKER_PUBLIC_URL: `http://127.0.0.1:${trackerPort}` });
    await resetDatabase(fanOut.config.DATABASE_URL);
    await resetRedis(fanOut.config.REDIS_URL);
    await resetKafka(fanOut.config.KAFKA_BROKERS);
    fanOut.db = await openDataSource(fanOut.config.DATABASE_URL, 3);
    intake = await startIntake(fanOut.config, 0);
    tracker = await startTracker(fanOut.config);
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await intake?.close();
    await tracker?.close();
    await fanOut.sim?.close();
    await fanOut.db?.destroy();
  });

  return fanOut;
}
