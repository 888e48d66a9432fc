import { Pool } from 'pg';
import { TOPICS, jobsTopic } from '@bin-alert/contracts';
import { CHANNELS } from '@bin-alert/domain';
import { withKafkaAdmin } from '@bin-alert/messaging';
import { sleep } from '../processes';
import { ChaosSystem } from './chaos-system';
import { OwnKafka, OwnPostgres, OwnRedis } from './own-servers';

export interface ScenarioContext {
  system: ChaosSystem;
  pool: Pool;
  kafka: OwnKafka;
  postgres: OwnPostgres;
  redis: OwnRedis;
  simUrl: string;
  /** Issues the scenario's alert to every member; resolves with its id once intake answered 201. */
  issueAlert(): Promise<{ id: string; answeredAt: number }>;
  /** Resolves once this share of the alert's expected SMS has been accepted by the provider. */
  waitForSms(alertId: string, share: number): Promise<void>;
  say(message: string): void;
}

/** How the scenario's time to recover is read once the fan-out is over. */
export type Recovery =
  /** The SMS accept rate back to half of what it was before the fault (outcome.ts). */
  | { kind: 'accept-rate' }
  /** Measured by the scenario itself. */
  | { kind: 'measured'; ms: number | null }
  /** From a moment to the alert's first delivery row (the outbox published). */
  | { kind: 'first-row'; from: number };

export interface Fault {
  alertId: string;
  faultStart: number;
  faultEnd: number;
  recovery: Recovery;
  notes: string[];
}

export interface Scenario {
  name: string;
  title: string;
  kafka: 'single' | 'cluster';
  dispatcherInstances: number;
  run(ctx: ScenarioContext): Promise<Fault>;
}

async function setSim(ctx: ScenarioContext, patch: unknown): Promise<void> {
  const res = await fetch(`${ctx.simUrl}/__sim/config`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) });
  if (!res.ok) throw new Error(`PUT /__sim/config ${JSON.stringify(patch)} answered ${res.status}: ${await res.text()}`);
}

/** The node that leads the SMS jobs partition with the most records: the busiest one. */
async function busiestSmsLeader(brokers: string[]): Promise<{ node: number; partition: number }> {
  const topic = jobsTopic('sms', 'normal');
  return withKafkaAdmin(
    brokers,
    async (admin) => {
      const offsets = await admin.fetchTopicOffsets(topic);
      const busiest = offsets.reduce((a, b) => (Number(b.high) > Number(a.high) ? b : a));
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      return { node: topics[0].partitions.find((p) => p.partitionId === busiest.partition)!.leader, partition: busiest.partition };
    },
    'bin-alert-chaos-probe',
  );
}

/** Issues the scenario's alert and returns its id once `share` of its SMS have been accepted: the fan-out is under way. */
async function fanOutUnderWay(ctx: ScenarioContext, share: number): Promise<string> {
  const { id } = await ctx.issueAlert();
  await ctx.waitForSms(id, share);
  return id;
}

const OUTAGE_MS = 30_000;

export const SCENARIOS: Scenario[] = [
  {
    name: 'dispatcher-kill',
    title: 'one of two instances of each dispatcher SIGKILLed mid-fan-out',
    kafka: 'single',
    dispatcherInstances: 2,
    async run(ctx) {
      // Early, while e-mail (the fastest channel) is still being sent too.
      const id = await fanOutUnderWay(ctx, 0.1);
      const at = Date.now();
      await Promise.all(CHANNELS.map((c) => ctx.system.kill(`dispatcher-${c}-a`)));
      ctx.say(`SIGKILLed ${CHANNELS.map((c) => `dispatcher-${c}-a`).join(', ')}; the b instances carry on alone`);
      return { alertId: id, faultStart: at, faultEnd: at, recovery: { kind: 'accept-rate' }, notes: [] };
    },
  },
  {
    name: 'kafka-stop',
    title: `the Kafka broker stopped for ${OUTAGE_MS / 1000} s mid-fan-out, then started`,
    kafka: 'single',
    dispatcherInstances: 1,
    async run(ctx) {
      const id = await fanOutUnderWay(ctx, 0.25);
      const start = Date.now();
      await ctx.kafka.stopBroker(1);
      ctx.say(`broker stopped (${Date.now() - start} ms); starting it again in ${OUTAGE_MS / 1000} s`);
      await sleep(OUTAGE_MS);
      await ctx.kafka.startBroker(1);
      const end = Date.now();
      ctx.say(`broker answering again after ${Math.round((end - start) / 1000)} s`);
      return { alertId: id, faultStart: start, faultEnd: end, recovery: { kind: 'accept-rate' }, notes: [] };
    },
  },
  {
    name: 'kafka-leader-kill',
    title: 'three-broker cluster (replication 3, min.insync.replicas 2): the leader of the busiest SMS jobs partition SIGKILLed',
    kafka: 'cluster',
    dispatcherInstances: 1,
    async run(ctx) {
      const id = await fanOutUnderWay(ctx, 0.25);
      const leader = await busiestSmsLeader(ctx.kafka.brokers);
      const start = Date.now();
      await ctx.kafka.killBroker(leader.node);
      ctx.say(`SIGKILLed node ${leader.node}, leader of ${jobsTopic('sms', 'normal')} partition ${leader.partition}; starting it again in ${OUTAGE_MS / 1000} s`);
      await sleep(OUTAGE_MS);
      await ctx.kafka.startBroker(leader.node);
      ctx.say(`node ${leader.node} back after ${Math.round((Date.now() - start) / 1000)} s`);
      // Two brokers of three keep every partition writable: recovery counts from the kill.
      return {
        alertId: id,
        faultStart: start,
        faultEnd: start,
        recovery: { kind: 'accept-rate' },
        notes: [`node ${leader.node} (leader of partition ${leader.partition}) killed; started again after ${OUTAGE_MS / 1000} s; recovery counted from the kill`],
      };
    },
  },
  {
    name: 'postgres-restart',
    title: 'PostgreSQL restarted mid-fan-out (fast shutdown: every connection cut)',
    kafka: 'single',
    dispatcherInstances: 1,
    async run(ctx) {
      const id = await fanOutUnderWay(ctx, 0.25);
      const start = Date.now();
      await ctx.postgres.restart();
      const end = Date.now();
      ctx.say(`PostgreSQL restarted in ${end - start} ms`);
      return { alertId: id, faultStart: start, faultEnd: end, recovery: { kind: 'accept-rate' }, notes: [] };
    },
  },
  {
    name: 'redis-stop',
    title: `Redis stopped for ${OUTAGE_MS / 1000} s (rate limits, dedupe marks, live counters gone), then started`,
    kafka: 'single',
    dispatcherInstances: 1,
    async run(ctx) {
      const id = await fanOutUnderWay(ctx, 0.25);
      const start = Date.now();
      await ctx.redis.stop();
      ctx.say(`Redis stopped; starting it again, empty, in ${OUTAGE_MS / 1000} s`);
      await sleep(OUTAGE_MS);
      await ctx.redis.start();
      const end = Date.now();
      ctx.say('Redis answering again (no keys)');
      return { alertId: id, faultStart: start, faultEnd: end, recovery: { kind: 'accept-rate' }, notes: [] };
    },
  },
  {
    name: 'tracker-kill',
    title: 'the tracker SIGKILLed while callbacks flow, then restarted',
    kafka: 'single',
    dispatcherInstances: 1,
    async run(ctx) {
      const id = await fanOutUnderWay(ctx, 0.25);
      const start = await ctx.system.kill('tracker');
      ctx.say('tracker SIGKILLed; starting it again');
      const ready = await ctx.system.restart('tracker');
      ctx.say(`tracker ready again ${ready - start} ms after the kill`);
      return {
        alertId: id,
        faultStart: start,
        faultEnd: ready,
        recovery: { kind: 'measured', ms: ready - start },
        notes: [
          'recovery_ms: from the kill until the restarted tracker answers ready; callbacks posted meanwhile are retried by the simulator as each provider does (Twilio: as the URL overrides ask, within 15 s; SendGrid: for a day, scaled by callbackRetry.timeScale) or lost',
        ],
      };
    },
  },
  {
    name: 'intake-kill',
    title: 'intake SIGKILLed right after answering 201 (the outbox must still publish)',
    kafka: 'single',
    dispatcherInstances: 1,
    async run(ctx) {
      const published = () =>
        withKafkaAdmin(ctx.kafka.brokers, async (admin) => (await admin.fetchTopicOffsets(TOPICS.alerts)).reduce((sum, o) => sum + Number(o.high), 0), 'bin-alert-chaos-probe');
      const before = await published();
      const { id, answeredAt } = await ctx.issueAlert();
      const killedAt = await ctx.system.kill('intake');
      // Intake kicks its outbox relay as it answers: the record may be on Kafka already. Said, so
      // that a run shows whether it tested the relay after a restart or the race before it.
      const beforeKill = (await published()) > before;
      ctx.say(
        `intake SIGKILLed ${killedAt - answeredAt} ms after its 201 (${beforeKill ? 'the relay had published the alert already' : 'the alert not on Kafka yet'}); starting it again`,
      );
      const ready = await ctx.system.restart('intake');
      ctx.say(`intake ready again after ${ready - killedAt} ms`);
      return {
        alertId: id,
        faultStart: killedAt,
        faultEnd: ready,
        recovery: { kind: 'first-row', from: killedAt },
        notes: [
          `intake killed ${killedAt - answeredAt} ms after its 201; ${beforeKill ? 'its relay had published the alert to Kafka before the kill' : 'the alert was not on Kafka yet when looked at right after the kill (a produce request may still have been in flight: compare recovery_ms with the restart time)'}`,
          "recovery_ms: from the kill to the alert's first delivery row",
        ],
      };
    },
  },
  {
    name: 'provider-storm',
    title: 'provider storms: 20 % 5xx for 30 s, then 429 for 60 s, then SMS down for 2 minutes',
    kafka: 'single',
    dispatcherInstances: 1,
    async run(ctx) {
      const id = await fanOutUnderWay(ctx, 0.1);
      const start = Date.now();
      // The simulator injects 5xx on Twilio's creates only (SMS and calls); SendGrid keeps answering.
      const fiveXx = { '20500': 0.1, '20503': 0.1 };
      await setSim(ctx, { sms: { errorRates: fiveXx }, voice: { errorRates: fiveXx } });
      ctx.say('storm 1/3: 20 % of Twilio creates answered 500/503, for 30 s');
      await sleep(30_000);
      const none = { '20500': 0, '20503': 0 };
      await setSim(ctx, { sms: { errorRates: none }, voice: { errorRates: none }, burst429: { api: 'twilioMessages', count: 1_000_000 } });
      ctx.say('storm 2/3: every SMS create answered 429, for 60 s');
      await sleep(60_000);
      await setSim(ctx, { burst429: null, sms: { errorRates: { '20503': 1 } } });
      ctx.say('storm 3/3: SMS down (every create answered 503), for 120 s');
      await sleep(120_000);
      await setSim(ctx, { sms: { errorRates: { '20503': 0 } } });
      const end = Date.now();
      ctx.say('storms over: the provider answers normally again');
      return {
        alertId: id,
        faultStart: start,
        faultEnd: end,
        recovery: { kind: 'accept-rate' },
        notes: ['5xx injected on Twilio (SMS, calls) only: the simulator has no 5xx setting for SendGrid'],
      };
    },
  },
];
