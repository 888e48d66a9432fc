import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { seedAcceptedDeliveries } from '../../../../bench/src/support/accepted-deliveries';
import { testConfig } from '../../../../bench/src/support/test-config';
import { openDataSource } from '../data-source';
import { DeliveryRepository } from './delivery.repository';
import { servesOneSession } from './query-rows';

/**
 * The sender's claim and outcome are prepared by name on their connection (ADR 0071): PostgreSQL
 * parses and plans them once per connection, not once per chunk. On a database whose connections
 * share one session (standalone's PGlite) they run unnamed.
 */
describe('deliveries: the sender’s statements prepared once per connection', () => {
  const opened: DataSource[] = [];

  afterAll(async () => {
    await Promise.all(opened.map((db) => db.destroy()));
  });

  /** One connection, so that every statement and the question after them share a session. */
  async function oneConnection(url: string): Promise<DataSource> {
    const db = await openDataSource(url, 1);
    opened.push(db);
    return db;
  }

  const prepared = async (db: DataSource): Promise<string[]> =>
    ((await db.query(`SELECT name FROM pg_prepared_statements WHERE name LIKE 'delivery-%' ORDER BY name`)) as Array<{ name: string }>).map((r) => r.name);

  async function claimAndAccept(db: DataSource, chunks: number): Promise<string[]> {
    const deliveries = new DeliveryRepository(db);
    const members = await seedAcceptedDeliveries(db, chunks, { status: 'planned' });
    const written: string[] = [];
    // One chunk at a time, as a sender writes them: the same two statements again and again.
    for (const { delivery } of members) {
      const [claimed] = await deliveries.claim([delivery.sms], 'sender-p', 60_000, { admit: true });
      written.push(...(await deliveries.recordOutcomes([{ id: claimed.id, status: 'accepted', providerId: `SM-${claimed.id}`, acceptedAt: new Date() }], 'sender-p')));
    }
    const rows: Array<{ status: string; provider_id: string }> = await db.query(`SELECT status, provider_id FROM deliveries WHERE id = ANY($1::uuid[])`, [written]);
    expect(rows.map((r) => r.status)).toEqual(members.map(() => 'accepted'));
    return written;
  }

  it('prepares the claim and the outcome by name, and reuses them chunk after chunk', async () => {
    const db = await oneConnection(testConfig().DATABASE_URL);
    expect(await claimAndAccept(db, 7)).toHaveLength(7);
    expect(await prepared(db)).toEqual(['delivery-claim', 'delivery-outcomes']);
  });

  it('runs them unnamed where every connection shares one session', async () => {
    const url = `${testConfig().DATABASE_URL}?application_name=bin-alert-one-session`;
    servesOneSession(url);
    const db = await oneConnection(url);
    expect(await claimAndAccept(db, 2)).toHaveLength(2);
    expect(await prepared(db)).toEqual([]);
  });
});
