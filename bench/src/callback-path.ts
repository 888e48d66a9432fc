import 'reflect-metadata';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@bin-alert/contracts';
import { consumerLag } from '@bin-alert/messaging';
import { openDataSource } from '@bin-alert/persistence';
import { exitOnFlagProblems } from './flags';
import { CALLBACK_PATH_USAGE, readCallbackPathArgs } from './callback-path-args';
import { freePort } from './support/free-port';
import { inParallel } from './support/in-parallel';
import { TEST_DATABASE_URL, testConfig } from './support/test-config';
import { TrackedMember, seedAcceptedDeliveries } from './support/accepted-deliveries';
import { waitFor } from './support/wait-for';
import { DEFAULT_SIM_CONFIG } from '../../apps/provider-sim/src/config/sim-config';
import { SimConfigStore, StartupSimConfig } from '../../apps/provider-sim/src/config/sim-config.store';
import { MessageStore, NewMessage } from '../../apps/provider-sim/src/inbox/message-store';
import { StatusHistory } from '../../apps/provider-sim/src/inbox/status-history';
import { mulberry32 } from '../../apps/provider-sim/src/random/prng';
import { DEFAULT_SIM_CREDENTIALS } from '../../apps/provider-sim/src/sim-credentials';
import { SimStats } from '../../apps/provider-sim/src/stats/sim-stats';
import { SimScheduler, TaskToken } from '../../apps/provider-sim/src/timing/sim-scheduler';
import { emailEventJson, eventWebhookBody } from '../../apps/provider-sim/src/sendgrid/email-events';
import { signEventWebhook } from '../../apps/provider-sim/src/sendgrid/event-webhook-signature';
import { SmsFate } from '../../apps/provider-sim/src/twilio/sms-fate';
import { SmsLifecycle } from '../../apps/provider-sim/src/twilio/sms-lifecycle';
import type { QueuedWebhook, WebhookAttempt, WebhookDraft } from '../../apps/provider-sim/src/webhooks/outbound-webhook';
import { TwilioWebhookFactory } from '../../apps/provider-sim/src/webhooks/twilio-webhook';
import { WebhookSender } from '../../apps/provider-sim/src/webhooks/webhook-sender';
import { procCpu, startApp, stopApps, waitReady } from './processes';

/**
 * The status-callback path alone, as a measurement (speed targets live in benchmarks, never in
 * tests): the built tracker in a process of its own, fed Twilio SMS status callbacks (`sent`, then
 * `delivered`, each message's in order) by the simulator's own SmsLifecycle, WebhookSender and
 * TwilioWebhookFactory (its records, lane order, signing, form encoding, kept-alive connections)
 * from this process, with no delay between a message's statuses. Reports the callbacks answered
 * per second, the tracker's and the sender's CPU per callback, and answer latency. The tracker
 * applies each status before it answers (ADR 0041); a build from before that consumed its events
 * back, and `--projection-group tracker-projection` waits for that group too (the
 * `_with_projection` figures). Uses the shared servers and the test database:
 *
 *   npm run build && flock /tmp/bin-alert-shared-servers.lock node dist/bench/src/callback-path.js --help
 *
 * `--concurrency` is the number of messages begun at a time (the simulator has one per accepted
 * message not yet final); `--prof DIR` runs the tracker with --cpu-prof and writes this process's
 * profile there too. `--email-batch N` posts SendGrid Event Webhook batches instead (the
 * simulator's body and signature): N e-mails' `processed` events in one request, then their
 * `delivered` events in another, `--concurrency` requests at once; a callback is then one event.
 * `--backlog` begins every message at once, so that their records wait in the sender's lane as
 * the simulator holds them when the tracker is behind, and reports when half the messages had all
 * their callbacks answered (the simulator's pending count is messages, not callbacks); `--fifo`
 * queues a message's later callback behind all the others, as the lane did before ADR 0055.
 */

/** A message the tracker's seeded delivery is waiting for: delivered, its statuses in order. */
const DELIVERED: SmsFate = { status: 'delivered', outOfOrder: false };

/**
 * The simulator's scheduler, telling the bench when a message's task ends: SmsLifecycle ends it
 * once the message's last callback was answered (or given up).
 */
class MessageEndScheduler extends SimScheduler {
  onEnd = (): void => {};

  override end(token: TaskToken): void {
    super.end(token);
    this.onEnd();
  }
}

/**
 * The simulator's sender, timing each callback from its build to its answer; with `fifo` a
 * message's later callback is queued behind every message (the lane before ADR 0055).
 */
class TimedSender extends WebhookSender {
  onAnswer = (_attempt: WebhookAttempt, _ms: number): void => {};

  constructor(
    scheduler: SimScheduler,
    config: SimConfigStore,
    private readonly fifo: boolean,
  ) {
    super(scheduler, config, new SimStats());
  }

  override enqueue(webhook: QueuedWebhook, resumed = false): void {
    let builtAt = 0;
    const timed: QueuedWebhook = {
      url: webhook.url,
      token: webhook.token,
      build: () => {
        builtAt = performance.now();
        return webhook.build();
      },
      posted: (attempt) => {
        this.onAnswer(attempt, performance.now() - builtAt);
        webhook.posted(attempt);
      },
    };
    super.enqueue(timed, resumed && !this.fifo);
  }
}

async function main(): Promise<void> {
  const { options, reading } = readCallbackPathArgs(process.argv.slice(2));
  exitOnFlagProblems('callback-path', CALLBACK_PATH_USAGE, reading);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const config = testConfig({ TRACKER_PUBLIC_URL: baseUrl });
  if (options.prof) mkdirSync(options.prof, { recursive: true });
  const logDir = mkdtempSync(join(tmpdir(), 'callback-path-'));
  const tracker = startApp(
    { name: 'tracker', entry: options.trackerMain, readyUrl: `${baseUrl}/health/ready`, port },
    { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: TEST_DATABASE_URL, TRACKER_PORT: String(port), TRACKER_PUBLIC_URL: baseUrl },
    logDir,
    options.prof ? ['--cpu-prof', `--cpu-prof-dir=${options.prof}`] : [],
  );
  const db = await openDataSource(config.DATABASE_URL, 4);
  // A message's next status is reached as soon as the last one was answered: the tracker sets the pace.
  const simConfig = new SimConfigStore(new StartupSimConfig({ ...DEFAULT_SIM_CONFIG, callbackDelayMs: { min: 0, max: 0 } }));
  const scheduler = new MessageEndScheduler();
  const sender = new TimedSender(scheduler, simConfig, options.fifo);
  try {
    await waitReady(tracker);
    const group = options.projectionGroup;
    const caughtUp = async () => {
      if (group)
        await waitFor(
          () => consumerLag(config.KAFKA_BROKERS, group, TOPICS.deliveryEvents),
          (lag) => lag === 0,
          { what: `${group} lag 0`, timeoutMs: 600_000, intervalMs: 50 },
        );
    };
    const seeded = await seedAcceptedDeliveries(db, options.messages);
    await caughtUp();

    const webhooks = new TwilioWebhookFactory(DEFAULT_SIM_CREDENTIALS);
    const context = { accountSid: DEFAULT_SIM_CREDENTIALS.twilioAccountSid };
    const statuses = new Map<number | string, number>();
    const latencies: number[] = [];
    const trackerCpu = () => (procCpu(tracker.pid)?.cpuS ?? 0) * 1000;
    const trackerBefore = trackerCpu();
    const senderBefore = process.cpuUsage();
    const started = performance.now();
    let next = 0;
    let callbacks = 0;
    // Messages whose every callback was answered (the simulator's pending count falls by one each).
    let finished = 0;
    let halfFinishedMs: number | null = null;
    const post = async (draft: WebhookDraft, count: number) => {
      const sentAt = performance.now();
      const attempt = await sender.deliver(draft, scheduler.current, { retry: false });
      latencies.push(performance.now() - sentAt);
      callbacks += count;
      const key = attempt.reply?.status ?? attempt.error ?? 'none';
      statuses.set(key, (statuses.get(key) ?? 0) + count);
    };
    // What the simulator's EventWebhookBatcher posts: the body as SendGrid writes it, signed when it leaves.
    const emailEvents = async (members: TrackedMember[]) => {
      const url = `${baseUrl}/webhooks/sendgrid/events`;
      for (const name of ['processed', 'delivered'] as const) {
        const at = new Date();
        const events = members.map((m) =>
          emailEventJson(
            { id: m.delivery.email, to: 'member@example.be', customArgs: { delivery_id: m.delivery.email, alert_id: m.alertId }, sgMessageId: `sg${m.delivery.email}` },
            name,
            at,
          ),
        );
        const build = () => {
          const body = eventWebhookBody(events);
          return {
            kind: 'email' as const,
            label: `email events ×${events.length}`,
            url,
            body,
            events: events.length,
            headers: { 'Content-Type': 'application/json', ...signEventWebhook(body, at) },
          };
        };
        await post({ url, build }, events.length);
      }
    };
    // SMS: the simulator's own lifecycle of each message, `concurrency` messages begun at a time
    // (all of them under a backlog), the next begun as one becomes final.
    const smsMessages = () =>
      new Promise<void>((done) => {
        const store = new MessageStore(simConfig);
        const lifecycle = new SmsLifecycle(scheduler, simConfig, webhooks, sender, store);
        const prng = mulberry32(1);
        const atOnce = options.backlog ? seeded.length : options.concurrency;
        // Each message recorded as the simulator's MessagesService records an accepted SMS, then its callbacks begun.
        const begin = () => {
          for (; next < seeded.length && next - finished < atOnce; next += 1)
            lifecycle.start(store.record(smsMessage(seeded[next], context.accountSid, baseUrl)), DELIVERED, context, prng);
        };
        sender.onAnswer = (attempt, ms) => {
          latencies.push(ms);
          callbacks += 1;
          const key = attempt.reply?.status ?? attempt.error ?? 'none';
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
        };
        scheduler.onEnd = () => {
          finished += 1;
          if (finished * 2 === seeded.length) halfFinishedMs = performance.now() - started;
          if (finished === seeded.length) done();
          else begin();
        };
        if (seeded.length === 0) done();
        begin();
      });
    const progress = setInterval(() => {
      const { posting, waiting } = sender.backlog;
      process.stderr.write(
        `[callback-path] ${Math.round(performance.now() - started)} ms: ${callbacks} answered, ${finished} messages final, ${posting} posting, ${waiting} waiting\n`,
      );
    }, 5_000);
    const emailBatch = options.emailBatch;
    if (emailBatch === null) await smsMessages();
    else await inParallel(Math.ceil(seeded.length / emailBatch), options.concurrency, (b) => emailEvents(seeded.slice(b * emailBatch, (b + 1) * emailBatch)));
    clearInterval(progress);
    const answeredMs = performance.now() - started;
    const senderCpu = process.cpuUsage(senderBefore);
    const trackerAnswering = trackerCpu() - trackerBefore;
    await caughtUp();
    const projectedMs = performance.now() - started;
    const trackerTotal = trackerCpu() - trackerBefore;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]);
    const figures = {
      callbacks,
      requests: latencies.length,
      concurrency: options.backlog ? 'backlog' : options.concurrency,
      answers: Object.fromEntries(statuses),
      answered_ms: Math.round(answeredMs),
      ...(options.backlog ? { half_the_messages_final_ms: halfFinishedMs === null ? null : Math.round(halfFinishedMs) } : {}),
      callbacks_per_s: Math.round(callbacks / (answeredMs / 1000)),
      latency_ms: { p50: pct(50), p90: pct(90), p99: pct(99), max: Math.round(latencies[latencies.length - 1]) },
      projected_ms: Math.round(projectedMs),
      tracker_cpu_ms_per_callback_answering: +(trackerAnswering / callbacks).toFixed(3),
      tracker_cpu_ms_per_callback_with_projection: +(trackerTotal / callbacks).toFixed(3),
      sender_cpu_ms_per_callback: +((senderCpu.user + senderCpu.system) / 1000 / callbacks).toFixed(3),
    };
    process.stdout.write(`[callback-path] ${JSON.stringify(figures)} (tracker log: ${tracker.log})\n`);
  } finally {
    scheduler.cancelAll();
    sender.onApplicationShutdown();
    await stopApps([tracker]);
    await db.destroy();
  }
}

/** The message the simulator accepted for `member`'s SMS delivery, its StatusCallback the tracker's. */
function smsMessage(member: TrackedMember, accountSid: string, trackerUrl: string): NewMessage {
  return {
    id: `SM${member.delivery.sms.replace(/-/g, '')}`,
    channel: 'sms',
    from: '+3225550000',
    to: '+32470000000',
    accountSid,
    receivedAt: new Date().toISOString(),
    statusCallback: `${trackerUrl}/webhooks/twilio/message-status?deliveryId=${member.delivery.sms}`,
    statuses: new StatusHistory(),
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`[callback-path] failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
