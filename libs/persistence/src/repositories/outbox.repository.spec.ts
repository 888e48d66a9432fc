import { DataSource } from 'typeorm';
import { OutboxPublishing, OutboxRepository } from './outbox.repository';

/**
 * Each relay polls the outbox several times a second and almost always finds it empty: an empty
 * poll is one statement, outside a transaction (ADR 0052). What the locking transaction does with
 * pending records is outbox-relay.int-spec's business.
 */
describe('OutboxRepository.publishPending', () => {
  const publishing: OutboxPublishing = { publish: jest.fn(), deadLetter: jest.fn(), maxAttempts: 3 };

  function fakeDb(pending: boolean) {
    const statements: string[] = [];
    const tx = {
      query: jest.fn(async (sql: string) => {
        statements.push(`tx: ${sql}`);
        return [];
      }),
    };
    const db = {
      query: jest.fn(async (sql: string) => {
        statements.push(sql);
        return [{ pending }];
      }),
      transaction: jest.fn(async (work: (manager: typeof tx) => Promise<unknown>) => work(tx)),
    };
    return { db, statements, repository: new OutboxRepository(db as unknown as DataSource) };
  }

  it('asks once, without a transaction, when nothing is pending', async () => {
    const { db, statements, repository } = fakeDb(false);
    expect(await repository.publishPending(200, publishing)).toEqual({ published: 0, deadLettered: 0, failed: 0 });
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/SELECT EXISTS \(SELECT 1 FROM outbox WHERE published_at IS NULL AND dead_lettered_at IS NULL\)/);
    expect(db.transaction).not.toHaveBeenCalled();
    expect(publishing.publish).not.toHaveBeenCalled();
  });

  it('locks the pending records in a transaction when there are some', async () => {
    const { db, statements, repository } = fakeDb(true);
    await repository.publishPending(200, publishing);
    expect(db.transaction).toHaveBeenCalledTimes(1);
    expect(statements[1]).toMatch(/^tx: SELECT id, topic, .* FOR UPDATE SKIP LOCKED/s);
  });
});
