import type { Admin } from 'kafkajs';

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
