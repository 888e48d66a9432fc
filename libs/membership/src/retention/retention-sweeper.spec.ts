import 'reflect-metadata';
import type { RetentionRepository, RetentionSweep } from '@bin-alert/persistence';
import { type AppConfig, loadConfig } from '@bin-alert/platform';
import { RetentionSweeper } from './retention-sweeper';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The sweeper owns when and how far back; the repository (its int-spec) owns what a sweep does to the rows. */
describe('the retention sweeper', () => {
  const config: AppConfig = { ...loadConfig({}), RETENTION_DAYS: 400 };

  function sweeperOver(result: RetentionSweep | null) {
    const calls: Array<{ cutoff: Date; batchSize: number }> = [];
    const repository = {
      sweep: async (cutoff: Date, batchSize: number) => {
        calls.push({ cutoff, batchSize });
        return result;
      },
    } as unknown as RetentionRepository;
    return { sweeper: new RetentionSweeper(repository, config), calls };
  }

  it('sweeps what is older than the configured period, in bounded batches', async () => {
    const done = { deliveriesPseudonymised: 2, memberNoticesDeleted: 0, smsOptOutsDeleted: 0, outboxRecordsDeleted: 1, auditEntriesDeleted: 0 };
    const { sweeper, calls } = sweeperOver(done);
    const now = new Date('2026-12-06T12:00:00Z');

    await expect(sweeper.sweep(now)).resolves.toEqual(done);
    expect(calls).toHaveLength(1);
    expect(calls[0].cutoff.getTime()).toBe(now.getTime() - 400 * DAY_MS);
    expect(calls[0].batchSize).toBeGreaterThan(0);
    expect(calls[0].batchSize).toBeLessThanOrEqual(1000);
  });

  it('answers null when another instance holds the sweep', async () => {
    const { sweeper } = sweeperOver(null);
    await expect(sweeper.sweep(new Date())).resolves.toBeNull();
  });
});
