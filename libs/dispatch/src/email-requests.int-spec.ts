import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { DeliveryJobV1, DeliveryJobV2 } from '@bin-alert/contracts';
import type { HandlerContext } from '@bin-alert/messaging';
import { DeliveryRepository, PlanningRepository, openDataSource } from '@bin-alert/persistence';
import type { EmailBatch } from '@bin-alert/providers';
import { deliveryStatuses, plannedAlert } from '../../../test/support/planned-alert';
import { testConfig } from '../../../bench/src/support/test-config';
import { DeliveryJobSender } from './delivery-job.sender';
import { dispatchSettingsFrom } from './dispatcher.module';
import { EmailChannelSender, SENDGRID_MAX_RECIPIENTS } from './email-channel.sender';
import { LaneGate } from './lane-gate';
import type { ProviderRateLimiter } from './provider-rate-limiter';

/**
 * Issue 11, item 2 in part: SendGrid takes up to 1,000 personalizations per request, and a request
 * costs its round trip and a token of the shared rate limit whatever it carries. Against the real
 * PostgreSQL (claims, the send fence, outcomes), with SendGrid recorded.
 */
describe('e-mail requests filled to SendGrid’s 1,000 personalizations', () => {
  let db: DataSource;
  const context = { heartbeat: async () => undefined } as HandlerContext;
  const requests: EmailBatch[] = [];
  const settings = dispatchSettingsFrom(testConfig());
  const limiter = { acquire: async () => undefined } as unknown as ProviderRateLimiter;
  const sendgrid = {
    sendBatch: async (batch: EmailBatch) => {
      requests.push(batch);
      return { providerId: `msg-${requests.length}` };
    },
  };
  const email = new EmailChannelSender(sendgrid, limiter, settings);

  beforeAll(async () => {
    db = await openDataSource(testConfig().DATABASE_URL, 2);
  });
  afterAll(async () => db?.destroy());
  beforeEach(() => (requests.length = 0));

  const job = (alertId: string, deliveryIds: string[]): DeliveryJobV1 => ({
    type: 'delivery.job',
    version: 1,
    jobId: randomUUID(),
    alertId,
    channel: 'email',
    lane: 'normal',
    deliveryIds,
    content: { urgency: 'normal', redistributionAllowed: true, texts: { nl: { title: 't', body: 'b' }, fr: { title: 't', body: 'b' } } },
    plannedAt: new Date().toISOString(),
  });
  const sender = () => new DeliveryJobSender(email, new DeliveryRepository(db), new PlanningRepository(db), new LaneGate(), settings, 'test-holder');
  const sizes = () => requests.map((r) => r.recipients.length);

  it('uses SendGrid’s documented maximum and an e-mail job size that fills it', () => {
    expect(SENDGRID_MAX_RECIPIENTS).toBe(1000);
    expect(settings.emailJobSize).toBe(SENDGRID_MAX_RECIPIENTS);
  });

  it('sends a job of 2,500 e-mail deliveries in 3 requests, each personalization naming its delivery', async () => {
    const { alertId, ids } = await plannedAlert(db, 2500, { channel: 'email' });
    expect(await sender().handle(job(alertId, ids), context)).toMatchObject({ sent: 2500, failed: 0 });
    expect(sizes().sort((a, b) => b - a)).toEqual([1000, 1000, 500]);
    expect(new Set(requests.flatMap((r) => r.recipients.map((p) => p.deliveryId)))).toEqual(new Set(ids));
    expect(await deliveryStatuses(db, alertId)).toEqual({ accepted: 2500 });
  }, 120_000);

  it('fills requests across the small jobs fetched together, as planning cuts them per partition and page', async () => {
    const { alertId, ids } = await plannedAlert(db, 2500, { channel: 'email' });
    // 24 partitions over a first page of 1,000 members: jobs of about 42 deliveries, here 60 of them.
    const jobs = Array.from({ length: Math.ceil(ids.length / 42) }, (_, i) => job(alertId, ids.slice(i * 42, (i + 1) * 42)));
    const summaries = await sender().handleBatch(jobs, context);
    expect(summaries.reduce((n, s) => n + s.sent, 0)).toBe(2500);
    expect(sizes().sort((a, b) => b - a)).toEqual([1000, 1000, 500]);
    expect(new Set(requests.flatMap((r) => r.recipients.map((p) => p.deliveryId)))).toEqual(new Set(ids));
    expect(await deliveryStatuses(db, alertId)).toEqual({ accepted: 2500 });
  }, 120_000);

  it('looks the ranges of jobs fetched together up in one statement, each language in full requests', async () => {
    const { alertId, ids } = await plannedAlert(db, 2000, { channel: 'email', languages: ['nl', 'fr'] });
    // As planning writes them: each delivery on a partition, a job a range of members of one partition.
    await db.query(
      `UPDATE deliveries d SET job_partition = p.n % 24 FROM (SELECT id, row_number() OVER (ORDER BY member_id) AS n FROM deliveries WHERE alert_id = $1) p WHERE d.id = p.id`,
      [alertId],
    );
    const rows: Array<{ partition: number; member_id: string }> = await db.query(
      `SELECT job_partition AS partition, member_id FROM deliveries WHERE alert_id = $1 ORDER BY job_partition, member_id`,
      [alertId],
    );
    const { version: _, deliveryIds: __, ...common } = job(alertId, []);
    const jobs: DeliveryJobV2[] = [];
    for (let partition = 0; partition < 24; partition++) {
      const members = rows.filter((r) => r.partition === partition).map((r) => r.member_id);
      for (let i = 0; i < members.length; i += 42) {
        const range = members.slice(i, i + 42);
        jobs.push({ ...common, version: 2, members: { partition, first: range[0], last: range.at(-1)!, deliveries: range.length } });
      }
    }
    const planning = new PlanningRepository(db);
    const lookUps = jest.spyOn(planning, 'jobsDeliveryIds');
    const summaries = await new DeliveryJobSender(email, new DeliveryRepository(db), planning, new LaneGate(), settings, 'test-holder').handleBatch(jobs, context);
    expect(summaries.reduce((n, s) => n + s.sent, 0)).toBe(rows.length);
    expect(lookUps).toHaveBeenCalledTimes(1);
    expect(sizes()).toEqual([1000, 1000]);
    expect(new Set(requests.flatMap((r) => r.recipients.map((p) => p.deliveryId)))).toEqual(new Set(ids));
  }, 120_000);

  it('sends each language in full requests: members of two languages by turns take 2 requests of 1,000, not 4 of 500', async () => {
    const { alertId, ids } = await plannedAlert(db, 2000, { channel: 'email', languages: ['nl', 'fr'] });
    await sender().handle(job(alertId, ids), context);
    expect(sizes()).toEqual([1000, 1000]);
  }, 120_000);

  it('never merges jobs of different alerts: each keeps its own content', async () => {
    const first = await plannedAlert(db, 30, { channel: 'email' });
    const second = await plannedAlert(db, 20, { channel: 'email' });
    await sender().handleBatch([job(first.alertId, first.ids.slice(0, 15)), job(first.alertId, first.ids.slice(15)), job(second.alertId, second.ids)], context);
    expect(sizes()).toEqual([30, 20]);
  }, 60_000);
});
