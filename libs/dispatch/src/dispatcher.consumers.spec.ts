import { INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AlertIssuedV1, DeliveryJob, MemberNoticeV1, TOPICS, allTopics, jobsTopic } from '@bin-alert/contracts';
import { Channel } from '@bin-alert/domain';
import { HandlerContext, InProcessBroker, InProcessMessageBus, MESSAGE_BUS, connectMessageBusConsumers } from '@bin-alert/messaging';
import { waitFor } from '../../../bench/src/support/wait-for';
import { testConfig } from '../../../bench/src/support/test-config';
import { AlertExpander } from './alert-expander';
import { DeliveryJobSender } from './delivery-job.sender';
import { DISPATCHER_CONSUMERS, EMAIL_JOBS_PER_BATCH } from './dispatcher.consumers';
import { DispatcherModule } from './dispatcher.module';
import { MemberNoticeSender } from './member-notice.sender';

const ALERT_ID = '6f1c2f9e-8f7a-4d44-9d0b-0c6a1b1f2a01';
const MEMBER_ID = '0b1e6c43-64e5-4c6d-9f46-3f0d5a0e7c11';
const TEXTS = { nl: { title: 'Titel', body: 'Tekst' } };

function alertOf(urgency: 'urgent' | 'normal'): AlertIssuedV1 {
  return {
    type: 'alert.issued',
    version: 1,
    alertId: ALERT_ID,
    category: 'covid',
    urgency,
    binIds: ['bin-1'],
    redistributionAllowed: false,
    texts: TEXTS,
    issuedAt: '2026-12-06T10:00:00.000Z',
  };
}

function jobOf(n: number, channel: Channel, lane: 'urgent' | 'normal'): DeliveryJob {
  return {
    type: 'delivery.job',
    version: 1,
    jobId: `job-${n}`,
    alertId: ALERT_ID,
    channel,
    lane,
    deliveryIds: [MEMBER_ID],
    content: { urgency: lane, redistributionAllowed: false, texts: TEXTS },
    plannedAt: '2026-12-06T10:00:00.000Z',
  };
}

function noticeOf(kind: MemberNoticeV1['kind']): MemberNoticeV1 {
  return { type: 'member.notice', version: 1, noticeId: '3c8f5a2e-1d4b-4f7e-8a9c-2b6d0e1f4a55', kind, memberId: MEMBER_ID };
}

/** What the stubbed expander, job sender and notice sender were asked to do. */
const calls: string[] = [];
/** Set by a test: the stubbed job sender's jobs wait for it, so that what is in flight can be counted. */
let jobsHeld: Promise<void> | null = null;
const jobsInFlight = { now: 0, most: 0 };
async function sendingHeld(): Promise<void> {
  jobsInFlight.most = Math.max(jobsInFlight.most, ++jobsInFlight.now);
  await jobsHeld;
  jobsInFlight.now--;
}
const heartbeats = { withContext: 0 };
const stubs = [
  {
    provide: AlertExpander,
    useValue: {
      expand: async (alert: AlertIssuedV1, context: HandlerContext) => {
        await context.heartbeat();
        heartbeats.withContext++;
        calls.push(`expand ${alert.urgency}`);
      },
    },
  },
  {
    provide: DeliveryJobSender,
    useValue: {
      handle: async (job: DeliveryJob) => {
        calls.push(`send ${job.jobId}`);
        await sendingHeld();
      },
      handleBatch: async (jobs: DeliveryJob[]) => {
        calls.push(`send batch ${jobs.map((j) => j.jobId).join(',')}`);
        await sendingHeld();
      },
    },
  },
  { provide: MemberNoticeSender, useValue: { handle: async (notice: MemberNoticeV1) => void calls.push(`notice ${notice.kind}`) } },
];

describe('the dispatcher’s consumers are @EventPattern handlers on the MessageBusServer (ADR 0002)', () => {
  let broker: InProcessBroker;
  let app: INestApplication | undefined;

  beforeEach(() => {
    calls.length = 0;
    heartbeats.withContext = 0;
    jobsHeld = null;
    jobsInFlight.now = jobsInFlight.most = 0;
    broker = new InProcessBroker();
    broker.ensureTopics(allTopics());
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    broker.close();
  });

  async function dispatcherConsumers(channel: Channel): Promise<InProcessMessageBus> {
    @Module({ controllers: [DISPATCHER_CONSUMERS[channel]], providers: [...stubs, { provide: MESSAGE_BUS, useFactory: () => new InProcessMessageBus(broker) }] })
    class TestModule {}
    app = await NestFactory.create(TestModule, { logger: false });
    connectMessageBusConsumers(app);
    await app.init();
    await app.startAllMicroservices();
    return app.get(MESSAGE_BUS);
  }

  it('is the controller DispatcherModule gives each channel', () => {
    for (const channel of ['sms', 'email', 'voice'] as const) {
      const module = DispatcherModule.forChannel(channel, testConfig());
      expect(module.controllers).toEqual([DISPATCHER_CONSUMERS[channel]]);
    }
  });

  it('joins the groups of each lane and the channel’s notices group, as deployed', async () => {
    await dispatcherConsumers('sms');
    expect(broker.inspect().consumerGroups.map((g) => g.groupId)).toEqual(
      ['dispatcher-sms', 'dispatcher-sms-urgent', 'notices-sms', 'sender-sms-normal', 'sender-sms-urgent'].sort(),
    );
  });

  it('waits as long on an empty urgent lane as on the normal one: a fetch is answered as soon as a record arrives', async () => {
    const join = jest.spyOn(InProcessBroker.prototype, 'join');
    try {
      await dispatcherConsumers('voice');
      const waits = Object.fromEntries(join.mock.calls.map(([spec]) => [spec.groupId, spec.maxWaitMs]));
      expect(waits).toEqual({ 'dispatcher-voice': 500, 'dispatcher-voice-urgent': 500, 'sender-voice-normal': 500, 'sender-voice-urgent': 500, 'notices-voice': 200 });
    } finally {
      join.mockRestore();
    }
  });

  it('expands an alert in its lane’s group only, with the heartbeat of the consumer loop', async () => {
    const bus = await dispatcherConsumers('voice');
    await bus.publish([
      { topic: TOPICS.alerts, key: 'a-urgent', value: alertOf('urgent') },
      { topic: TOPICS.alerts, key: 'a-normal', value: alertOf('normal') },
    ]);
    await waitFor(
      async () => [...calls],
      (c) => c.length === 2,
      { what: 'two expansions' },
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls.sort()).toEqual(['expand normal', 'expand urgent']);
    expect(heartbeats.withContext).toBe(2);
  });

  it('sends SMS and voice jobs one at a time, e-mail jobs a partition’s batch at a time', async () => {
    const sms = await dispatcherConsumers('sms');
    await sms.publish([{ topic: jobsTopic('sms', 'urgent'), key: 'm', partition: 0, value: jobOf(1, 'sms', 'urgent') }]);
    await waitFor(
      async () => [...calls],
      (c) => c.length === 1,
      { what: 'the SMS job' },
    );
    expect(calls).toEqual(['send job-1']);
    await app?.close();
    app = undefined;
    calls.length = 0;

    const email = await dispatcherConsumers('email');
    await email.publish([2, 3, 4].map((n) => ({ topic: jobsTopic('email', 'normal'), key: 'm', partition: 0, value: jobOf(n, 'email', 'normal') })));
    await waitFor(
      async () => calls.join(' ').match(/job-/g)?.length ?? 0,
      (jobs) => jobs === 3,
      { what: 'the three e-mail jobs' },
    );
    expect(calls.every((c) => c.startsWith('send batch '))).toBe(true);
    expect(EMAIL_JOBS_PER_BATCH).toBeGreaterThanOrEqual(3);
  });

  it('hands the sender up to 100 waiting e-mail jobs of a partition at once: three chunks of ~40-delivery jobs in flight', async () => {
    const email = await dispatcherConsumers('email');
    await email.publish(Array.from({ length: 100 }, (_, n) => ({ topic: jobsTopic('email', 'normal'), key: 'm', partition: 0, value: jobOf(n, 'email', 'normal') })));
    await waitFor(
      async () => calls.join(' ').match(/job-/g)?.length ?? 0,
      (jobs) => jobs === 100,
      { what: 'the hundred e-mail jobs' },
    );
    expect(calls).toHaveLength(1);
    expect(calls[0].split(',')).toHaveLength(100);
  });

  it('sends e-mail jobs of eight partitions side by side, SMS and voice jobs of three: an e-mail job mostly waits for SendGrid', async () => {
    let release = () => {};
    jobsHeld = new Promise((resolve) => (release = resolve));
    const inFlightOf = async (channel: Channel): Promise<number> => {
      const bus = await dispatcherConsumers(channel);
      await bus.publish(Array.from({ length: 12 }, (_, n) => ({ topic: jobsTopic(channel, 'normal'), key: `m${n}`, partition: n, value: jobOf(n, channel, 'normal') })));
      await waitFor(
        async () => calls.length,
        (n) => n >= 3,
        { what: `the first ${channel} jobs` },
      );
      // Long enough for any further partition's job to have started, had the group room for it.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const most = jobsInFlight.most;
      release();
      await waitFor(
        async () => calls.length,
        (n) => n === 12,
        { what: `every ${channel} job` },
      );
      await app?.close();
      app = undefined;
      calls.length = 0;
      jobsInFlight.now = jobsInFlight.most = 0;
      jobsHeld = new Promise((resolve) => (release = resolve));
      return most;
    };
    expect(await inFlightOf('email')).toBe(8);
    expect(await inFlightOf('sms')).toBe(3);
    release();
  });

  it('sends the member notices of its own channel and leaves the others’ to their dispatchers', async () => {
    const bus = await dispatcherConsumers('sms');
    await bus.publish((['sms_code', 'email_confirmation', 'voice_code'] as const).map((kind) => ({ topic: TOPICS.memberNotices, key: kind, value: noticeOf(kind) })));
    await waitFor(
      async () => broker.lag('notices-sms', TOPICS.memberNotices),
      (lag) => lag === 0,
      { what: 'the notices consumed' },
    );
    expect(calls).toEqual(['notice sms_code']);
  });
});
