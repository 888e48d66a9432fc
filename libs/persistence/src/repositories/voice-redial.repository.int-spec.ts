import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { CHANNELS, DELIVERY_STATUSES, redialOf } from '@bin-alert/domain';
import { seedAcceptedDeliveries } from '../../../../bench/src/support/accepted-deliveries';
import { TEST_DATABASE_URL } from '../../../../bench/src/support/test-config';
import { openDataSource } from '../data-source';
import { OutboxRepository } from './outbox.repository';
import { RedialledDelivery, VoiceRedialRepository } from './voice-redial.repository';

/** The redial in SQL, on the real PostgreSQL, must make exactly the moves libs/domain's redialOf makes (issue 15, item 6). */
describe('VoiceRedialRepository.planDueRedials', () => {
  let db: DataSource;
  let redials: VoiceRedialRepository;

  beforeAll(async () => {
    db = await openDataSource(TEST_DATABASE_URL, 3);
    redials = new VoiceRedialRepository(db, new OutboxRepository(db));
  });

  afterAll(async () => {
    await db?.destroy();
  });

  it('runs every (channel, status, redials so far, time since the call) through the SQL and agrees with the domain case for case', async () => {
    const policy = { maxRedials: 2, delaySeconds: 120 };
    const cases = DELIVERY_STATUSES.flatMap((status) => [0, 1, 2, 3].flatMap((redialsSoFar) => [0, 3600].map((secondsAgo) => ({ status, redialsSoFar, secondsAgo }))));
    const members = await seedAcceptedDeliveries(db, cases.length);
    const deliveries = CHANNELS.flatMap((channel) => cases.map((c, i) => ({ ...c, channel, id: members[i].delivery[channel] })));
    await db.query(
      `UPDATE deliveries d SET status = s.status, redials = s.redials, status_updated_at = now() - make_interval(secs => s.ago), provider_id = 'CA' || md5(d.id::text)
         FROM unnest($1::uuid[], $2::text[], $3::int[], $4::double precision[]) AS s(id, status, redials, ago) WHERE d.id = s.id`,
      [deliveries.map((d) => d.id), deliveries.map((d) => d.status), deliveries.map((d) => d.redialsSoFar), deliveries.map((d) => d.secondsAgo)],
    );
    const before = new Map<string, Date>(
      (await db.query(`SELECT id, status_updated_at FROM deliveries WHERE id = ANY($1::uuid[])`, [deliveries.map((d) => d.id)])).map(
        (r: { id: string; status_updated_at: Date }) => [r.id, r.status_updated_at],
      ),
    );
    const [{ now }] = await db.query(`SELECT now() AS now`);

    const planned: RedialledDelivery[] = [];
    for (;;) {
      const round = await redials.planDueRedials(policy, 500, () => []);
      planned.push(...round);
      if (round.length < 500) break;
    }

    const after = new Map<string, { status: string; redials: number; provider_id: string | null; superseded_provider_ids: string[] }>(
      (await db.query(`SELECT id, status, redials, provider_id, superseded_provider_ids FROM deliveries WHERE id = ANY($1::uuid[])`, [deliveries.map((d) => d.id)])).map(
        (r: { id: string }) => [r.id, r],
      ),
    );
    const plannedAs = new Map(planned.map((p) => [p.id, p.redial]));
    const disagreements = deliveries.flatMap((d) => {
      const redial = redialOf({ channel: d.channel, status: d.status, redials: d.redialsSoFar, statusUpdatedAt: before.get(d.id)! }, policy, now);
      const row = after.get(d.id)!;
      const got = { status: row.status, redials: row.redials, returnedAs: plannedAs.get(d.id) ?? null };
      const want = redial ? { status: redial.status, redials: redial.redials, returnedAs: redial.redials } : { status: d.status, redials: d.redialsSoFar, returnedAs: null };
      return JSON.stringify(got) === JSON.stringify(want) ? [] : [{ ...d, got, want }];
    });
    expect(disagreements).toEqual([]);

    // The abandoned call's id is kept aside, so that its late callbacks are ignored.
    const redialled = deliveries.filter((d) => plannedAs.has(d.id));
    expect(redialled.length).toBeGreaterThan(0);
    for (const d of redialled) expect(after.get(d.id)).toMatchObject({ provider_id: null, superseded_provider_ids: [expect.stringMatching(/^CA/)] });
  });
});
