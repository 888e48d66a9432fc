import { createHash } from 'node:crypto';

/**
 * The jobs partition a member's deliveries go to. Every job for a member lands on the same
 * partition, so an update or a cancel can never overtake the original for the same person,
 * even though a job carries many members.
 */
export function memberPartition(memberId: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new Error(`partitions must be a positive integer, got ${partitions}`);
  return createHash('sha1').update(memberId).digest().readUInt32BE(0) % partitions;
}

/** Cuts members into jobs of at most `size`, each job holding members of one partition only. */
export function groupIntoJobs<T extends { memberId: string }>(items: T[], partitions: number, size: number): Array<{ partition: number; items: T[] }> {
  const byPartition = new Map<number, T[]>();
  for (const item of items) {
    const p = memberPartition(item.memberId, partitions);
    byPartition.set(p, [...(byPartition.get(p) ?? []), item]);
  }
  const jobs: Array<{ partition: number; items: T[] }> = [];
  for (const [partition, group] of [...byPartition].sort(([a], [b]) => a - b)) {
    for (let i = 0; i < group.length; i += size) jobs.push({ partition, items: group.slice(i, i + size) });
  }
  return jobs;
}
