import type { DataSource } from 'typeorm';
import { MemberRepository, NewMember } from '../repositories/member.repository';
import { demoMember } from './demo-members';

/** Members written per multi-row transaction. */
const BATCH = 500;

/**
 * Adds demo members until there are `wanted`, in multi-row batches (registerMany): a few
 * thousand in a couple of seconds, where one transaction per member would take minutes.
 * Returns how many members there were before.
 */
export async function seedDemoMembers(db: DataSource, wanted: number, progress?: (done: number, wanted: number) => void): Promise<number> {
  const members = new MemberRepository(db);
  const existing = await members.count();
  for (let from = existing + 1; from <= wanted; from += BATCH) {
    const batch: NewMember[] = [];
    for (let n = from; n < from + BATCH && n <= wanted; n++) batch.push(demoMember(n));
    await members.registerMany(batch);
    progress?.(Math.min(wanted, from + BATCH - 1), wanted);
  }
  return existing;
}
