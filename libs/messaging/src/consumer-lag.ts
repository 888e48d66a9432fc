import { Admin, logLevel } from 'kafkajs';
import type { ConsumerGroupLag, OpsStatus } from '@bin-alert/domain';
import { KafkaSecurity, createKafkaClient } from './kafka-client';

/** How far one consumer group is behind on one topic, in records. */
export interface ConsumerLag {
  groupId: string;
  topic: string;
  lag: number;
}

/** Something that can say how far behind its consumer groups are (a bus driver, a probe). */
export interface ConsumerLagSource {
  consumerLag(): Promise<ConsumerLag[]>;
}

export interface PartitionOffsets {
  partition: number;
  /** First offset still in the log. */
  low: string;
  /** Offset the next record will get. */
  high: string;
}

/**
 * The sum over partitions of end offset minus committed offset. No commit yet (offset -1) means
 * the group starts at the log start; so does a commit before it (records deleted since).
 */
export function lagFromOffsets(ends: PartitionOffsets[], committed: Array<{ partition: number; offset: string }>): number {
  let lag = 0;
  for (const end of ends) {
    const c = committed.find((p) => p.partition === end.partition);
    const at = Math.max(Number(end.low), c ? Number(c.offset) : -1);
    lag += Math.max(0, Number(end.high) - at);
  }
  return lag;
}

/** The lag of `groupId` on `topic`, read with a connected admin client. */
export async function fetchConsumerLag(admin: Admin, groupId: string, topic: string): Promise<number> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return lagFromOffsets(ends, committed?.partitions ?? []);
}

/** An admin client for one short inspection (ops page, tests), connected and disconnected around `use`. */
export async function withKafkaAdmin<T>(brokers: string[], use: (admin: Admin) => Promise<T>, clientId = 'bin-alert-inspector', security?: KafkaSecurity): Promise<T> {
  const admin = createKafkaClient({ security, clientId, brokers, connectionTimeout: 3000, retry: { retries: 1 }, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Lets a test wait until a group has processed everything, without sleeping. */
export function consumerLag(brokers: string[], groupId: string, topic: string): Promise<number> {
  return withKafkaAdmin(brokers, (admin) => fetchConsumerLag(admin, groupId, topic), 'test-probe');
}

/** As the ops page shows it (libs/domain). */
export type GroupLag = ConsumerGroupLag;

/** Every consumer group of the cluster with its lag on each topic it has committed offsets for. */
export async function consumerGroupLags(admin: Admin): Promise<GroupLag[]> {
  const { groups } = await admin.listGroups();
  const ids = groups.map((g) => g.groupId).sort();
  if (ids.length === 0) return [];
  const described = new Map((await admin.describeGroups(ids)).groups.map((g) => [g.groupId, g]));
  const result: GroupLag[] = [];
  for (const groupId of ids) {
    const offsets = await admin.fetchOffsets({ groupId });
    const topics: GroupLag['topics'] = [];
    for (const { topic } of offsets) topics.push({ topic, lag: await fetchConsumerLag(admin, groupId, topic) });
    const group = described.get(groupId);
    result.push({ groupId, state: group?.state ?? 'Unknown', members: group?.members.length ?? 0, topics });
  }
  return result;
}

/** What ops look at on a bus: every consumer group with its lag, and the dead letters kept (the ops page's part, libs/domain). */
export type BusInspection = Pick<OpsStatus, 'consumerGroups' | 'deadLetters'>;

/** A bus driver that can be inspected (both drivers can). */
export interface InspectableBus {
  inspect(): Promise<BusInspection>;
}

/** Records a topic holds now (end minus start offsets), e.g. the dead letters waiting for a look. */
export async function topicRecordCount(admin: Admin, topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Math.max(0, Number(p.high) - Number(p.low)), 0);
}
