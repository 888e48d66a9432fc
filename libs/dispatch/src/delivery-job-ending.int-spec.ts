import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { DeliveryJobV1 } from '@bin-alert/contracts';
import { AlertRepository, DeliveryRepository, PlanningRepository, openDataSource } from '@bin-alert/persistence';
import type { HandlerContext } from '@bin-alert/messaging';
import { deliveryStatuses, plannedAlert as plannedSmsAlert } from '../../../test/support/planned-alert';
import { RecordingChannelSender } from '../../../test/support/recording-channel-sender';
import { testConfig } from '../../../bench/src/support/test-config';
import { DeliveryJobSender } from './delivery-job.sender';
import { dispatchSettingsFrom } from './dispatcher.module';

const testAudit = (alertId: string) => ({ actor: null, action: 'alert.issued', target: { type: 'alert', id: alertId } });
import { LaneGate } from './lane-gate';

/** Against the real PostgreSQL: a job whose alert expired or was cancelled sends nothing and says why. */
describe('expiry and cancel in the sender', () => {
  let db: DataSource;
  const context: HandlerContext = { heartbeat: async () => undefined } as unknown as HandlerContext;

  beforeAll(async () => {
    db = await openDataSource(testConfig().DATABASE_URL, 2);
  });
  afterAll(async () => db?.destroy());

  const plannedAlert = (members: number) => plannedSmsAlert(db, members);

  const job = (alertId: string, deliveryIds: string[], expiresAt?: Date): DeliveryJobV1 => ({
    type: 'delivery.job',
    version: 1,
    jobId: randomUUID(),
    alertId,
    channel: 'sms',
    lane: 'normal',
    deliveryIds,
    content: { urgency: 'normal', redistributionAllowed: true, texts: { nl: { title: 't', body: 'b' } } },
    plannedAt: new Date().toISOString(),
    ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
  });

  const statuses = (alertId: string) => deliveryStatuses(db, alertId);

  it('ends the planned deliveries of an expired alert as suppressed, reason expired, and sends none', async () => {
    const { alertId, ids } = await plannedAlert(3);
    const recorder = new RecordingChannelSender();
    const sender = new DeliveryJobSender(recorder, new DeliveryRepository(db), new PlanningRepository(db), new LaneGate(), dispatchSettingsFrom(testConfig()), 'test-holder');
    const summary = await sender.handle(job(alertId, ids, new Date(Date.now() - 1000)), context);
    expect(summary).toEqual({ sent: 0, failed: 0, held: 0, skipped: 0, expired: 3, cancelled: 0 });
    expect(recorder.sent).toEqual([]);
    expect(await statuses(alertId)).toEqual({ 'suppressed:expired': 3 });
  });

  it('sends a job whose alert has not expired yet', async () => {
    const { alertId, ids } = await plannedAlert(2);
    const recorder = new RecordingChannelSender();
    const sender = new DeliveryJobSender(recorder, new DeliveryRepository(db), new PlanningRepository(db), new LaneGate(), dispatchSettingsFrom(testConfig()), 'test-holder');
    expect(await sender.handle(job(alertId, ids, new Date(Date.now() + 60_000)), context)).toMatchObject({ sent: 2, expired: 0 });
    expect(recorder.sent.sort()).toEqual([...ids].sort());
  });

  it('ends the planned deliveries of an alert cancelled meanwhile as suppressed, reason cancelled', async () => {
    const { alertId, ids } = await plannedAlert(2);
    const cancelId = randomUUID();
    await new AlertRepository(db).create(
      {
        id: cancelId,
        categoryCode: 'burglary',
        urgency: 'normal',
        redistributionAllowed: true,
        binIds: ['herdersem'],
        texts: { nl: { title: 'einde', body: 'b' } },
        issuedAt: new Date(),
        messageType: 'cancel',
        referencesAlertId: alertId,
        audienceAlertId: alertId,
      },
      null,
      testAudit(cancelId),
    );
    const recorder = new RecordingChannelSender();
    const sender = new DeliveryJobSender(recorder, new DeliveryRepository(db), new PlanningRepository(db), new LaneGate(), dispatchSettingsFrom(testConfig()), 'test-holder');
    expect(await sender.handle(job(alertId, ids), context)).toMatchObject({ sent: 0, cancelled: 2 });
    expect(recorder.sent).toEqual([]);
    expect(await statuses(alertId)).toEqual({ 'suppressed:cancelled': 2 });
  });
});
