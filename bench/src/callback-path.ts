import 'reflect-metadata';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@bin-alert/contracts';
import { consumerLag } from '@bin-alert/messaging';
import { openDataSource } from '@bin-alert/persistence';
import { freePort } from './support/free-port';
import { TEST_DATABASE_URL, testConfig } from './support/test-config';
import { TrackedMember, seedAcceptedDeliveries } from './support/accepted-deliveries';
import { waitFor } from './support/wait-for';
import { DEFAULT_SIM_CONFIG } from '../../apps/provider-sim/src/config/sim-config';
import { SimConfigStore, StartupSimConfig } from '../../apps/provider-sim/src/config/sim-config.store';
import { DEFAULT_SIM_CREDENTIALS } from '../../apps/provider-sim/src/sim-credentials';
import { SimStats } from '../../apps/provider-sim/src/stats/sim-stats';
import { SimScheduler } from '../../apps/provider-sim/src/timing/sim-scheduler';
import { emailEventJson, eventWebhookBody } from '../../apps/provider-sim/src/sendgrid/email-events';
import { signEventWebhook } from '../../apps/provider-sim/src/sendgrid/event-webhook-signature';
import { smsStatusCallbackParams } from '../../apps/provider-sim/src/twilio/sms-status-callback';
import type { QueuedWebhook, WebhookDraft } from '../../apps/provider-sim/src/webhooks/outbound-webhook';
import { TwilioWebhookFactory } from '../../apps/provider-sim/src/webhooks/twilio-webhook';
import { WebhookSender } from '../../apps/provider-sim/src/webhooks/webhook-sender';
import { procCpu, startApp, stopApps, waitReady } from './processes';

/**
 * The status-callback path alone, as a measurement (speed targets live in benchmarks, never in
 * tests): the built tracker in a process of its own, fed Twilio SMS status callbacks (`sent`, then
 * `delivered`, each message's in order) by the simulator's own webhook code (TwilioWebhookFactory,
 * WebhookSender: signing, form encoding, kept-alive connections) from this process. Reports the
 * callbacks answered per second, the tracker's and the sender's CPU per callback, and answer
 * latency. The tracker applies each status before it answers (ADR 0041); a build from before that
 * consumed its events back, and `--projection-group tracker-projection` waits for that group too
 * (the `_with_projection` figures). Uses the shared servers and the test database:
 *
 *   npm run build && flock /tmp/bin-alert-shared-servers.lock node dist/bench/src/callback-path.js \
 *     [--messages 5000] [--concurrency 256] [--prof DIR] [--tracker-main other/dist/apps/tracker/src/main.js] [--projection-group G]
 *
 * `--concurrency` is the number of messages whose callbacks are on their way at once (the
 * simulator has one per accepted message not yet final); `--prof DIR` runs the tracker with
 * --cpu-prof and writes this process's profile there too. `--email-batch N` posts SendGrid
 * Event Webhook batches instead (the simulator's body and signature): N e-mails' `processed`
 * events in one request, then their `delivered` events in another, `--concurrency` requests at
 * once; a callback is then one event. `--backlog` queues every message's records in the sender at
 * once, as the simulator holds them when the tracker is behind, and reports when half the messages
 * had all their callbacks answered (the simulator's pending count is messages, not callbacks);
 * `--fifo` queues a message's later callback behind all the others, as the lane did before ADR 0055.
 */
interface Options {
  messages: number;
  concurrency: number;
  prof: string | null;
  /** The tracker's built entry point: another checkout's, to compare two commits on one machine. */
  trackerMain: string;
  /** The consumer group of a tracker built before ADR 0041, whose projection read its events back. */
  projectionGroup: string | null;
  /** E-mails per SendGrid Event Webhook request; null: Twilio SMS status callbacks. */
  emailBatch: number | null;
  /**
   * Every message's callbacks queued in the sender at once, as records waiting in the receiver's
   * lane (what the simulator holds under a backlog, ADR 0044), instead of `concurrency` at a time.
   */
  backlog: boolean;
  /** With `--backlog`: a message's later callback queued behind every message (the lane before ADR 0055), for comparison. */
  fifo: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    messages: 5_000,
    concurrency: 256,
    prof: null,
    trackerMain: join(__dirname, '../../apps/tracker/src/main.js'),
    projectionGroup: null,
    emailBatch: null,
    backlog: false,
    fifo: false,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (name === '--backlog' || name === '--fifo') {
      if (name === '--backlog') options.backlog = true;
      else options.fifo = true;
      i -= 1;
      continue;
    }
    if (name === '--messages') options.messages = Number(value);
    else if (name === '--concurrency') options.concurrency = Number(value);
    else if (name === '--prof') options.prof = value;
    else if (name === '--tracker-main') options.trackerMain = value;
    else if (name === '--projection-group') options.projectionGroup = value;
    else if (name === '--email-batch') options.emailBatch = Number(value);
    else throw new Error(`unknown option ${name} (--messages N, --backlog [--fifo], --concurrency C, --prof DIR, --tracker-main PATH, --projection-group G, --email-batch N)`);
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
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
  const scheduler = new SimScheduler();
  const sender = new WebhookSender(scheduler, new SimConfigStore(new StartupSimConfig(DEFAULT_SIM_CONFIG)), new SimStats());
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
    const smsCallbacks = async (member: TrackedMember) => {
      const message = { id: `SM${member.delivery.sms.replace(/-/g, '')}`, from: '+3225550000', to: '+32470000000' };
      const url = `${baseUrl}/webhooks/twilio/message-status?deliveryId=${member.delivery.sms}`;
      for (const status of ['sent', 'delivered'] as const) {
        const at = new Date();
        const webhook = webhooks.form(
          'sms',
          url,
          () => `sms status ${status}`,
          () => smsStatusCallbackParams(message, context, status, at, undefined),
        );
        await post(webhook, 1);
      }
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
    // Under a backlog: every message's callbacks wait in the sender's lane at once, each message a
    // record posting `sent`, then `delivered` once `sent` was answered (as SmsCallbacks does).
    const drainBacklog = () =>
      new Promise<void>((done) => {
        let open = seeded.length;
        if (open === 0) done();
        for (const member of seeded) {
          const message = { id: `SM${member.delivery.sms.replace(/-/g, '')}`, from: '+3225550000', to: '+32470000000' };
          const url = `${baseUrl}/webhooks/twilio/message-status?deliveryId=${member.delivery.sms}`;
          const steps = ['sent', 'delivered'] as const;
          let step = 0;
          let builtAt = 0;
          const record: QueuedWebhook = {
            url,
            token: scheduler.begin(),
            build: () => {
              builtAt = performance.now();
              const status = steps[step];
              const at = new Date();
              return webhooks
                .form(
                  'sms',
                  url,
                  () => `sms status ${status}`,
                  () => smsStatusCallbackParams(message, context, status, at, undefined),
                )
                .build();
            },
            posted: (attempt) => {
              latencies.push(performance.now() - builtAt);
              callbacks += 1;
              const key = attempt.reply?.status ?? attempt.error ?? 'none';
              statuses.set(key, (statuses.get(key) ?? 0) + 1);
              step += 1;
              if (step < steps.length) {
                // As SmsCallbacks: a message's later status waits ahead of messages not begun (ADR 0055).
                sender.enqueue(record, !options.fifo);
                return;
              }
              scheduler.end(record.token);
              open -= 1;
              finished += 1;
              if (finished * 2 === seeded.length) halfFinishedMs = performance.now() - started;
              if (open === 0) done();
            },
          };
          sender.enqueue(record);
        }
      });
    const progress = setInterval(() => {
      const { posting, waiting } = sender.backlog;
      process.stderr.write(
        `[callback-path] ${Math.round(performance.now() - started)} ms: ${callbacks} answered, ${finished} messages final, ${posting} posting, ${waiting} waiting\n`,
      );
    }, 5_000);
    const perRequest = options.emailBatch ?? 1;
    if (options.backlog) await drainBacklog();
    else
      await Promise.all(
        Array.from({ length: options.concurrency }, async () => {
          while (next < seeded.length) {
            const members = seeded.slice(next, next + perRequest);
            next += members.length;
            if (options.emailBatch === null) await smsCallbacks(members[0]);
            else await emailEvents(members);
          }
        }),
      );
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

main().catch((error: unknown) => {
  process.stderr.write(`[callback-path] failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
