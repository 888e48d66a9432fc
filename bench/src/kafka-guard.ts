import { Admin, Kafka, logLevel } from 'kafkajs';
import { Pool } from 'pg';
import { TOPICS, expanderGroup, jobsTopic, senderGroup } from '@bin-alert/contracts';
import { CHANNELS, Channel, URGENCIES, Urgency } from '@bin-alert/domain';
import { BenchAbort, sleep } from './processes';

/** KAFKA_CLIENT_ID of the benchmark's apps: any other member of their groups is someone else's. */
export const BENCH_CLIENT_ID = 'bin-alert-bench';

/** Every consumer group the benchmark's apps join. */
export function benchGroups(): string[] {
  return CHANNELS.flatMap((c) => URGENCIES.flatMap((l) => [expanderGroup(c, l), senderGroup(c, l)]));
}

/**
 * The benchmark shares the broker, its topics and consumer groups with everyone on this machine.
 * Two kinds of neighbours spoil a run and are spoilt by it:
 * - another member of the dispatch groups (npm start, an end-to-end test's in-process
 *   dispatchers) takes part of the benchmark's jobs and looks them up in its own database;
 * - a test run (connections to bin_alert_test) resets the `bin.*` topics and every consumer
 *   group when it starts: jobs in flight are lost.
 * Before the run the guard waits for them to go; during the run it reports them.
 */
export class NeighbourGuard {
  private admin: Admin | null = null;

  constructor(
    private readonly brokers: string[],
    private readonly pool: Pool,
    private readonly testDatabases = ['bin_alert_test'],
  ) {}

  async connect(): Promise<void> {
    const kafka = new Kafka({ clientId: `${BENCH_CLIENT_ID}-guard`, brokers: this.brokers, logLevel: logLevel.NOTHING, retry: { retries: 2 } });
    this.admin = kafka.admin();
    try {
      await this.admin.connect();
    } catch (error) {
      throw new BenchAbort(`Kafka at ${this.brokers.join(',')} does not answer (${String(error)}): is deploy/local/infra.sh up done?`);
    }
  }

  async close(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
    this.admin = null;
  }

  private readonly watermarks = new Map<string, { low: number; high: number }>();

  /** Connections to the test databases: a test run is going on (it resets Kafka when a suite starts). */
  async testActivity(): Promise<string[]> {
    const { rows } = await this.pool.query(`SELECT datname, count(*)::int AS n FROM pg_stat_activity WHERE datname = ANY($1) AND pid <> pg_backend_pid() GROUP BY datname`, [
      this.testDatabases,
    ]);
    return rows.map((r: { datname: string; n: number }) => `${r.n} connection${r.n > 1 ? 's' : ''} to ${r.datname} (a test run)`);
  }

  /**
   * What spoils a run in progress: other members in the benchmark's consumer groups, and topics
   * deleted and recreated under it (their end offsets go backwards: a test run's reset).
   */
  async interference(duringRun = true): Promise<string[]> {
    const found: string[] = [];
    if (!this.admin) return found;
    const { groups } = await this.admin.describeGroups(benchGroups());
    for (const g of groups) {
      const foreign = g.members.filter((m) => !m.clientId.startsWith(BENCH_CLIENT_ID));
      if (foreign.length) found.push(`${g.groupId}: ${foreign.length} other member${foreign.length > 1 ? 's' : ''} (${[...new Set(foreign.map((m) => m.clientId))].join(', ')})`);
    }
    for (const topic of benchTopics()) {
      let offsets: Array<{ partition: number; high: string; low: string }>;
      try {
        offsets = await this.admin.fetchTopicOffsets(topic);
      } catch {
        // Before the run a missing topic is fine: the apps create them when they start.
        if (duringRun) found.push(`topic ${topic} is gone (deleted by a test run's reset?)`);
        continue;
      }
      let recreated = false;
      let truncated = false;
      for (const o of offsets) {
        const key = `${topic}/${o.partition}`;
        const before = this.watermarks.get(key);
        // The system never deletes records: a start offset that moves is a test run's reset
        // (deleteRecords), an end offset that goes back is a topic deleted and created again.
        if (before !== undefined && Number(o.high) < before.high) recreated = true;
        if (before !== undefined && Number(o.low) > before.low) truncated = true;
        this.watermarks.set(key, { low: Number(o.low), high: Number(o.high) });
      }
      if (recreated) found.push(`topic ${topic} was deleted and recreated (its end offsets went back: a test run's reset)`);
      if (truncated) found.push(`the records of topic ${topic} were deleted (its start offsets moved: a test run's reset)`);
    }
    return [...new Set(found)];
  }

  /**
   * Waits until nothing is in the way for `quietMs` on end (members of a killed process expire
   * after the 30 s session timeout; a test run takes a few minutes), at most `waitMs`.
   */
  async waitForQuiet(waitMs: number, quietMs = 15_000): Promise<void> {
    const deadline = Date.now() + waitMs;
    let lastSaid = 0;
    let quietSince = Date.now();
    for (;;) {
      const found = [...(await this.testActivity()), ...(await this.interference(false))];
      if (found.length) quietSince = Date.now();
      if (found.length === 0 && Date.now() - quietSince >= quietMs) return;
      if (found.length && Date.now() > deadline) {
        throw new BenchAbort(
          `still in the way after ${Math.round(waitMs / 1000)} s: ${found.join('; ')}. Another BIN Alert (npm start, npm test) is using this broker; ` +
            'stop it (or wait for it) and run the benchmark again (--wait-for-others S waits longer).',
        );
      }
      if (found.length && Date.now() - lastSaid > 30_000) {
        console.log(`[bench] waiting (up to ${Math.round((deadline - Date.now()) / 1000)} s, then ${quietMs / 1000} s of quiet) for: ${found.join('; ')}`);
        lastSaid = Date.now();
      }
      await sleep(1000);
    }
  }
}

/** Topics the benchmark's alerts and jobs travel on. */
export function benchTopics(): string[] {
  return [TOPICS.alerts, TOPICS.deliveryEvents, ...CHANNELS.flatMap((c) => URGENCIES.map((l) => jobsTopic(c, l)))];
}

function topicOf(group: string): string {
  if (group.startsWith('dispatcher-')) return TOPICS.alerts;
  const [, channel, lane] = group.split('-');
  return jobsTopic(channel as Channel, lane as Urgency);
}

/** Records each group still has to read (a group without commits reads from the start). */
export async function groupLag(brokers: string[], groups = benchGroups()): Promise<Record<string, number>> {
  const kafka = new Kafka({ clientId: `${BENCH_CLIENT_ID}-lag`, brokers, logLevel: logLevel.NOTHING, retry: { retries: 2 } });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const lag: Record<string, number> = {};
    for (const group of groups) {
      const topic = topicOf(group);
      let ends: Array<{ partition: number; high: string; low: string }>;
      try {
        ends = await admin.fetchTopicOffsets(topic);
      } catch {
        lag[group] = 0; // no topic yet: nothing to read
        continue;
      }
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      lag[group] = 0;
      for (const end of ends) {
        const p = committed?.partitions.find((c) => c.partition === end.partition);
        const from = p && Number(p.offset) >= 0 ? Number(p.offset) : Number(end.low);
        lag[group] += Math.max(0, Number(end.high) - from);
      }
    }
    return lag;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export function totalLag(lag: Record<string, number>): number {
  return Object.values(lag).reduce((a, b) => a + b, 0);
}
