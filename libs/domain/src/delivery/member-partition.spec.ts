import { groupIntoJobs, memberPartition } from './member-partition';

const members = Array.from({ length: 1000 }, (_, i) => ({ memberId: `member-${i}` }));

describe('memberPartition', () => {
  it('always sends the same member to the same partition', () => {
    expect(memberPartition('m-42', 6)).toBe(memberPartition('m-42', 6));
  });

  it('spreads members over every partition', () => {
    const counts = new Array(6).fill(0);
    for (const m of members) counts[memberPartition(m.memberId, 6)]++;
    for (const c of counts) expect(c).toBeGreaterThan(100);
  });

  it('refuses a nonsensical partition count', () => {
    expect(() => memberPartition('m', 0)).toThrow(/positive integer/);
  });
});

describe('groupIntoJobs', () => {
  const jobs = groupIntoJobs(members, 6, 50);

  it('keeps every member exactly once', () => {
    const ids = jobs.flatMap((j) => j.items.map((i) => i.memberId));
    expect(ids).toHaveLength(1000);
    expect(new Set(ids).size).toBe(1000);
  });

  it('puts only members of the job partition in a job, and at most `size` of them', () => {
    for (const job of jobs) {
      expect(job.items.length).toBeLessThanOrEqual(50);
      for (const item of job.items) expect(memberPartition(item.memberId, 6)).toBe(job.partition);
    }
  });
});
