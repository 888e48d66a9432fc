import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { Agent, createServer, IncomingMessage, request as httpRequest, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { FlagDeclaration, FlagParsing, exitOnFlagProblems, flagUsage, readFlagList } from './flags';
import { inParallel } from './support/in-parallel';
import { AlertContent, listUnsubscribeHeaders, renderEmail, renderSms, renderVoice } from '@bin-alert/domain';
import {
  callStatusCallbackUrl,
  messageStatusCallbackUrl,
  SendGridEmailSender,
  TRACKED_CALL_EVENTS,
  TRACKER_WEBHOOK_PATHS,
  TwilioSmsSender,
  TwilioVoiceCaller,
  voiceAnswerUrl,
  voiceGatherActionUrl,
  voiceTwiml,
  providerSettingsFrom,
} from '@bin-alert/providers';
import { DEFAULT_TWILIO_VOICES, loadConfig } from '@bin-alert/platform';

/**
 * What the provider simulator costs per accepted message, on its own: the simulator as a child
 * process (from this build, or `--sim-entry`), a stub tracker on loopback answering its callbacks
 * (and the TwiML fetch of each call, as the tracker does), and the requests the dispatchers send
 * (those of twilio-node and @sendgrid/mail, or the adapters themselves with `--via-sdk`), in the
 * benchmark's mix, one channel after the other. It reports the simulator's CPU (utime + stime from
 * /proc) per accepted message with every callback it sent, per channel and overall, and its RSS
 * and heap as the messages pile up, to show whether memory grows with them.
 *
 *   node dist/bench/src/sim-cost.js --messages 200000
 *   node dist/bench/src/sim-cost.js --messages 20000 --sim-entry /elsewhere/dist/apps/provider-sim/src/main.js   # another build
 *   node dist/bench/src/sim-cost.js --backlog 100000   # memory of callbacks a receiver does not answer
 *   node dist/bench/src/sim-cost.js --backlog 200000 --channels email   # memory of e-mail events likewise
 *   node dist/bench/src/sim-cost.js --backlog-calls 20000   # memory of calls whose status callbacks wait likewise
 *   node dist/bench/src/sim-cost.js --mixed 30          # SMS create latency while big SendGrid requests arrive
 *
 * `--mixed S` measures latency, not cost: for S seconds, `--concurrency` SMS creates in flight at
 * all times (or `--sms-rate` a second, open loop, at most that many in flight) while a SendGrid request of `--email-batch` personalizations arrives every
 * 1/`--email-rate` s (open loop, as the e-mail dispatcher's chunks do) and the stub tracker answers
 * every callback and Event Webhook batch. It reports the SMS creates' latency as the driver sees
 * it (p50, p95, mean, max), the simulator's event-loop delay (its /metrics: prom-client's
 * perf_hooks.monitorEventLoopDelay, 10 ms resolution, reset by each scrape) and its GC time by
 * kind over the window: why a Twilio create waits while e-mail is sent (issues 10 and 11).
 *
 * `--backlog N` measures memory, not CPU: after the warm-up the stub tracker stops answering SMS
 * status callbacks (it reads them and leaves them open), N SMS are sent, and the simulator's RSS
 * and heap are read once all their `sent` callbacks are due, then divided by N: what one pending
 * callback costs when the receiver is slower than the messages (issue 10; ADR 0044). Its JSON keys
 * (`pending`: `pending_callbacks` / `pending_events` before fb22147) are listed in bench/README.md.
 *
 * Not a test and not part of `npm run bench`; nothing else may run on port `--port` (4090).
 */

const CLK_TCK = 100; // getconf CLK_TCK on Linux x86-64 and arm64
/** The 100 000-member benchmark run: 84 411 SMS, 96 770 e-mails, 10 719 calls. */
const MIX = { sms: 0.44, email: 0.504 };
const CONTENT: AlertContent = {
  alertId: '00000000-0000-4000-8000-000000000001',
  category: 'prevention',
  urgency: 'normal',
  redistributionAllowed: true,
  texts: {
    nl: {
      title: 'Preventie: inbraken in de winter',
      body: 'Het wordt vroeg donker. Doe de lichten aan als u weggaat, sluit ramen en deuren en meld verdachte situaties via 101.',
    },
  },
};

interface Options {
  messages: number;
  port: number;
  simEntry: string;
  concurrency: number;
  emailConcurrency: number;
  emailBatch: number;
  checkpoints: number;
  /**
   * Sending pauses while more messages than this wait for their callbacks. A provider's creates
   * answer at once and its callbacks follow; a driver faster than the callbacks would measure a
   * growing backlog rather than what a message costs (the benchmark sends calls at 50/s).
   */
  maxPending: number;
  /** Channels to send; the others are skipped (to profile one). */
  channels: Array<'sms' | 'email' | 'voice'>;
  /** Through the system's adapters (the official SDKs) rather than the same requests written directly. */
  viaSdk: boolean;
  /** Extra node flags for the simulator, e.g. --cpu-prof. */
  simNodeArgs: string[];
  out?: string;
  /** Memory mode: SMS whose status callbacks the stub tracker leaves unanswered. */
  backlog?: number;
  /** With `--backlog N --channels email,sms`: the SMS held after the N e-mail recipients (the 1,000,000-member run's shape). */
  backlogSms?: number;
  /** Memory mode: calls whose status callbacks (their `initiated`) the stub tracker leaves unanswered. */
  backlogCalls?: number;
  /** After the backlog is measured, the simulator writes a heap snapshot into .local/sim-cost (SIGUSR2). */
  heapSnapshot: boolean;
  /** Latency mode: seconds of SMS creates under SendGrid requests. */
  mixed?: number;
  /** SendGrid requests per second in `--mixed`. */
  emailRate: number;
  /** SMS creates per second in `--mixed` (open loop, at most `concurrency` in flight); absent: as fast as they are answered. */
  smsRate?: number;
}

type Channel = Options['channels'][number];
const CHANNELS_SENT: Channel[] = ['sms', 'email', 'voice'];

const SIM_COST_FLAGS: ReadonlyArray<FlagDeclaration<Options>> = [
  { name: '--messages', key: 'messages', kind: 'int', arg: 'N', min: 1, default: 200_000, help: "messages sent, in the benchmark's mix of channels" },
  { name: '--port', key: 'port', kind: 'int', arg: 'P', min: 1, max: 65_535, default: 4090, help: "the simulator's port; nothing else may run on it" },
  {
    name: '--sim-entry',
    key: 'simEntry',
    kind: 'text',
    arg: 'main.js',
    default: resolve(__dirname, '../../apps/provider-sim/src/main.js'),
    defaultHelp: "this build's",
    help: "the simulator's built main.js (another build's, to compare)",
    parse: (path) => resolve(path),
  },
  { name: '--concurrency', key: 'concurrency', kind: 'int', arg: 'C', min: 1, default: 64, help: 'SMS and call creates in flight' },
  { name: '--email-concurrency', key: 'emailConcurrency', kind: 'int', arg: 'C', min: 1, default: 8, help: 'SendGrid requests in flight' },
  // SendGrid takes at most 1,000 personalizations a request: more is read as 1,000.
  { name: '--email-batch', key: 'emailBatch', kind: 'int', arg: 'N', min: 1, default: 1000, help: 'e-mails a SendGrid request, at most 1000', parse: (n) => Math.min(1000, n) },
  { name: '--checkpoints', key: 'checkpoints', kind: 'int', arg: 'N', min: 1, default: 8, help: "times the simulator's memory is read as the messages pile up" },
  { name: '--max-pending', key: 'maxPending', kind: 'int', arg: 'N', min: 1, default: 2000, help: 'sending pauses while more messages than this wait for their callbacks' },
  { name: '--channels', key: 'channels', kind: 'text', arg: 'sms,email,voice', default: CHANNELS_SENT, help: 'the channels sent (to profile one)', parse: channelsSent },
  { name: '--via-sdk', key: 'viaSdk', kind: 'switch', help: "through the system's adapters (twilio-node, @sendgrid/mail) instead of the same requests written directly" },
  {
    name: '--sim-node-arg',
    key: 'simNodeArgs',
    kind: 'text',
    arg: 'ARG',
    default: [],
    defaultHelp: 'none',
    help: 'a node flag for the simulator, e.g. --cpu-prof (repeat for more)',
    parse: (arg, { previous }) => [...previous, arg],
  },
  { name: '--out', key: 'out', kind: 'text', arg: 'FILE', default: undefined, help: 'JSON result', parse: (path) => resolve(path) },
  {
    name: '--backlog',
    key: 'backlog',
    kind: 'int',
    arg: 'N',
    min: 1,
    default: undefined,
    help: 'memory, not CPU: N SMS whose status callbacks the stub tracker leaves unanswered',
  },
  {
    name: '--backlog-sms',
    key: 'backlogSms',
    kind: 'int',
    arg: 'M',
    min: 1,
    default: undefined,
    defaultHelp: 'a third of N',
    help: 'with --backlog N --channels email,sms: N e-mail recipients, then M SMS, all held',
  },
  {
    name: '--backlog-calls',
    key: 'backlogCalls',
    kind: 'int',
    arg: 'N',
    min: 1,
    default: undefined,
    help: 'memory, not CPU: N calls whose status callbacks the stub tracker leaves unanswered',
  },
  { name: '--heap-snapshot', key: 'heapSnapshot', kind: 'switch', help: 'with --backlog or --backlog-calls: a heap snapshot of the simulator once measured, in .local/sim-cost' },
  { name: '--mixed', key: 'mixed', kind: 'int', arg: 'S', min: 1, default: undefined, help: 'latency, not cost: S seconds of SMS creates while SendGrid requests arrive' },
  { name: '--email-rate', key: 'emailRate', kind: 'int', arg: 'R', min: 1, default: 3, help: 'with --mixed: SendGrid requests a second' },
  {
    name: '--sms-rate',
    key: 'smsRate',
    kind: 'int',
    arg: 'R',
    min: 1,
    default: undefined,
    defaultHelp: 'as fast as they are answered',
    help: 'with --mixed: SMS creates a second (open loop, at most --concurrency in flight)',
  },
];

const SIM_COST_USAGE = flagUsage('node dist/bench/src/sim-cost.js [options]', SIM_COST_FLAGS);

/** The channels named (sms,email,voice or a part of them). */
function channelsSent(text: string, { previous, problem }: FlagParsing<Channel[]>): Channel[] {
  const named = text.split(',');
  if (named.every((c): c is Channel => (CHANNELS_SENT as string[]).includes(c))) return named;
  problem(`--channels takes sms,email,voice or a part of them, got "${text}"`);
  return previous;
}

function parseArgs(argv: string[]): Options {
  const { options, reading } = readFlagList(argv, SIM_COST_FLAGS);
  exitOnFlagProblems('sim-cost', SIM_COST_USAGE, reading);
  return options;
}

/** CPU seconds and memory of one process, from /proc. */
function procSample(pid: number): { cpuS: number; rssMb: number; hwmMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after "pid (comm) ".
  const cpuS = (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { cpuS, rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
}

interface StubTracker {
  server: Server;
  url: string;
  received: Map<string, number>;
  /** While true, SMS status callbacks are read and never answered. */
  holdSmsStatus: boolean;
  /** While true, SendGrid Event Webhook batches are read and never answered. */
  holdEmailEvents: boolean;
  /** While true, call status callbacks are read and never answered. */
  holdCallStatus: boolean;
}

/** The tracker's side of the callbacks: 200 to every POST, the call's TwiML to the answer URL. */
async function startStubTracker(): Promise<StubTracker> {
  const received = new Map<string, number>();
  let url = '';
  const stub: StubTracker = { server: undefined as unknown as Server, url: '', received, holdSmsStatus: false, holdEmailEvents: false, holdCallStatus: false };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      received.set(path, (received.get(path) ?? 0) + 1);
      if (stub.holdSmsStatus && path === TRACKER_WEBHOOK_PATHS.twilioMessageStatus) return;
      if (stub.holdEmailEvents && path === TRACKER_WEBHOOK_PATHS.sendGridEvents) return;
      if (stub.holdCallStatus && path === TRACKER_WEBHOOK_PATHS.twilioCallStatus) return;
      if (path === TRACKER_WEBHOOK_PATHS.twilioVoiceAnswer) {
        const deliveryId = new URL(req.url ?? '/', 'http://x').searchParams.get('deliveryId') ?? '';
        const twiml = voiceTwiml(renderVoice(CONTENT, 'nl', { gatherActionUrl: voiceGatherActionUrl(url, deliveryId) }), DEFAULT_TWILIO_VOICES);
        res.writeHead(200, { 'Content-Type': 'text/xml' }).end(twiml);
      } else {
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end();
      }
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stub.server = server;
  stub.url = url;
  return stub;
}

/** Every 100 sends, waits while more than `maxPending` messages still have callbacks to come. */
function backlogLimit(simUrl: string, maxPending: number): (n: number) => Promise<void> {
  let waiting: Promise<void> | undefined;
  return async (n) => {
    if (n % 100 === 0 && waiting === undefined) {
      waiting = (async () => {
        while ((await stats(simUrl)).pendingCallbacks > maxPending) await new Promise((done) => setTimeout(done, 50));
      })().finally(() => (waiting = undefined));
    }
    if (waiting !== undefined) await waiting;
  };
}

interface SimStatsBody {
  sms: { accepted: number; duplicates: number };
  voice: { accepted: number; duplicates: number };
  email: { accepted: number; duplicates: number };
  pendingCallbacks: number;
}

async function stats(simUrl: string): Promise<SimStatsBody> {
  const res = await fetch(`${simUrl}/__sim/stats`);
  if (!res.ok) throw new Error(`GET /__sim/stats answered ${res.status}`);
  return (await res.json()) as SimStatsBody;
}

/** Every callback of what was sent has been posted (or given up). Polls: the simulator has no push. */
async function settled(simUrl: string): Promise<SimStatsBody> {
  const deadline = Date.now() + 600_000;
  for (;;) {
    const s = await stats(simUrl);
    if (s.pendingCallbacks === 0) return s;
    if (Date.now() > deadline) throw new Error(`${s.pendingCallbacks} callbacks still pending after 10 minutes`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

async function waitReady(simUrl: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the simulator exited with ${child.exitCode}; see ${log}`);
    try {
      await stats(simUrl);
      return;
    } catch {
      await new Promise((done) => setTimeout(done, 200));
    }
  }
  throw new Error(`the simulator did not answer within 60 s; see ${log}`);
}

interface Checkpoint {
  channel: string;
  sent: number;
  total_sent: number;
  rss_mb: number;
  /** V8 heap in use, from the simulator's /metrics: what it holds, where RSS also has what the GC has not given back. */
  heap_used_mb: number;
  /** Messages whose callbacks were still to come: sent faster than the simulator calls back, they pile up. */
  pending_callbacks: number;
}

async function heapUsedMb(simUrl: string): Promise<number> {
  const text = await (await fetch(`${simUrl}/metrics`)).text();
  const bytes = Number(/^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\d+(?:\.\d+)?(?:e\+\d+)?)/m.exec(text)?.[1] ?? NaN);
  return Math.round(bytes / 1024 / 1024);
}

interface Driver {
  sendSms(n: number): Promise<unknown>;
  sendCall(n: number): Promise<unknown>;
  sendMail(from: number, count: number): Promise<unknown>;
  close(): void;
}

const SMS_BODY = renderSms(CONTENT, 'nl').body;
const LINK_TAGS = { preferences: '{{bin_preferences_url}}', unsubscribe: '{{bin_unsubscribe_url}}' };
const MAIL = renderEmail(CONTENT, 'nl', LINK_TAGS);
const mobile = (n: number): string => `+3247${String(n).padStart(7, '0')}`;
const landline = (n: number): string => `+3253${String(n).padStart(6, '0')}`;

/** What the e-mail dispatcher gives each recipient: their own links, substituted by SendGrid, and List-Unsubscribe. */
function mailRecipient(member: number): { deliveryId: string; to: string; headers: Record<string, string>; substitutions: Record<string, string> } {
  const token = `${member}.${randomUUID()}`;
  const unsubscribe = `http://127.0.0.1:3000/m/unsubscribe?token=${token}`;
  return {
    deliveryId: randomUUID(),
    to: `member${member}@bench.example.be`,
    headers: listUnsubscribeHeaders(unsubscribe),
    substitutions: { [LINK_TAGS.preferences]: `http://127.0.0.1:3000/m/preferences?token=${token}`, [LINK_TAGS.unsubscribe]: unsubscribe },
  };
}

/** The system's own adapters: the official SDKs, configured as providerSettingsFrom configures them for the simulator. */
function sdkDriver(simUrl: string, trackerUrl: string): Driver {
  const settings = providerSettingsFrom(loadConfig({ PROVIDER_SIM_URL: simUrl, LOG_LEVEL: 'warn' }));
  const sms = new TwilioSmsSender(settings.twilio);
  const voice = new TwilioVoiceCaller(settings.twilio);
  const email = new SendGridEmailSender(settings.sendgrid);
  return {
    sendSms: (n) => {
      const deliveryId = randomUUID();
      return sms.send({ deliveryId, to: mobile(n), body: SMS_BODY, statusCallbackUrl: messageStatusCallbackUrl(trackerUrl, deliveryId) });
    },
    sendCall: (n) => {
      const deliveryId = randomUUID();
      return voice.call({
        deliveryId,
        to: landline(n),
        answer: { url: voiceAnswerUrl(trackerUrl, deliveryId) },
        statusCallbackUrl: callStatusCallbackUrl(trackerUrl, deliveryId),
        statusCallbackEvents: [...TRACKED_CALL_EVENTS],
        machineDetection: 'DetectMessageEnd',
      });
    },
    sendMail: (from, count) =>
      email.sendBatch({
        subject: MAIL.subject,
        text: MAIL.text,
        html: MAIL.html,
        categories: ['bin-alert', 'normal'],
        recipients: Array.from({ length: count }, (_, i) => mailRecipient(from + i)),
      }),
    close: () => undefined,
  };
}

/**
 * The same requests, byte for byte what twilio-node 6 and @sendgrid/mail 8 send (headers, form
 * field order, JSON layout; checked against a capturing server), written with node:http. The
 * SDKs cost several times what the simulator does per message, and on two cores the driver's
 * load inflates the CPU time the simulator is charged; this keeps the measurement about the
 * simulator. `--via-sdk` runs the real adapters instead.
 */
function rawDriver(simUrl: string, trackerUrl: string, concurrency: number): Driver {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const { twilio, sendgrid } = providerSettingsFrom(loadConfig({ PROVIDER_SIM_URL: simUrl, LOG_LEVEL: 'warn' }));
  const { accountSid, authToken, fromNumber } = twilio;
  const twilioHeaders = {
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
    'user-agent': 'twilio-node/6.3.1 (linux x64) node/v20.20.2',
    'accept-charset': 'utf-8',
    connection: 'keep-alive',
    authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
  };
  const post = (path: string, headers: Record<string, string>, body: string, expected: number, again = true): Promise<void> =>
    new Promise((done, fail) => {
      const req = httpRequest(`${simUrl}${path}`, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === expected ? done() : fail(new Error(`${path} answered ${res.statusCode}`))));
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive socket the simulator closed (idle 5 s, e.g. while the warm-up settled) just
        // as it was reused: the request never reached it, so it goes once more (node's documented pattern).
        if (again && req.reusedSocket && error.code === 'ECONNRESET') post(path, headers, body, expected, false).then(done, fail);
        else fail(error);
      });
      req.end(body);
    });
  const form = (fields: Array<[string, string]>): string => new URLSearchParams(fields).toString();
  return {
    sendSms: (n) => {
      const deliveryId = randomUUID();
      const body = form([
        ['To', mobile(n)],
        ['StatusCallback', messageStatusCallbackUrl(trackerUrl, deliveryId)],
        ['From', fromNumber],
        ['Body', SMS_BODY],
      ]);
      return post(`/2010-04-01/Accounts/${accountSid}/Messages.json`, twilioHeaders, body, 201);
    },
    sendCall: (n) => {
      const deliveryId = randomUUID();
      const body = form([
        ['To', landline(n)],
        ['From', fromNumber],
        ['Method', 'POST'],
        ['StatusCallback', callStatusCallbackUrl(trackerUrl, deliveryId)],
        ...TRACKED_CALL_EVENTS.map((event): [string, string] => ['StatusCallbackEvent', event]),
        ['StatusCallbackMethod', 'POST'],
        ['MachineDetection', 'DetectMessageEnd'],
        ['Url', voiceAnswerUrl(trackerUrl, deliveryId)],
      ]);
      return post(`/2010-04-01/Accounts/${accountSid}/Calls.json`, twilioHeaders, body, 201);
    },
    sendMail: (from, count) => {
      const body = JSON.stringify({
        from: { email: sendgrid.fromEmail, name: sendgrid.fromName },
        subject: MAIL.subject,
        personalizations: Array.from({ length: count }, (_, i) => {
          const r = mailRecipient(from + i);
          return { to: [{ email: r.to }], headers: r.headers, substitutions: r.substitutions, custom_args: { delivery_id: r.deliveryId } };
        }),
        categories: ['bin-alert', 'normal'],
        content: [
          { value: MAIL.text, type: 'text/plain' },
          { value: MAIL.html, type: 'text/html' },
        ],
      });
      const headers = {
        accept: 'application/json',
        'content-type': 'application/json',
        'user-agent': 'sendgrid/8.1.6;nodejs',
        authorization: `Bearer ${sendgrid.apiKey}`,
        connection: 'keep-alive',
      };
      return post('/v3/mail/send', headers, body, 202);
    },
    close: () => agent.destroy(),
  };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const simUrl = `http://127.0.0.1:${o.port}`;
  const tracker = await startStubTracker();
  const logDir = resolve('.local/sim-cost');
  mkdirSync(logDir, { recursive: true });
  const log = join(logDir, `provider-sim-${o.port}.log`);
  const fd = openSync(log, 'w');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    SIM_PORT: String(o.port),
    SIM_SENDGRID_EVENT_WEBHOOK_URL: `${tracker.url}${TRACKER_WEBHOOK_PATHS.sendGridEvents}`,
    // What the benchmark gives every app.
    LOG_LEVEL: 'warn',
  };
  const snapshotArgs = o.heapSnapshot ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${logDir}`] : [];
  const child = spawn(process.execPath, [...o.simNodeArgs, ...snapshotArgs, o.simEntry], { env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  // Stopped from outside, it takes its simulator with it.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      child.kill('SIGTERM');
      process.exit(1);
    });
  }
  const pid = child.pid!;
  try {
    await waitReady(simUrl, child, log);
    const driver = o.viaSdk ? sdkDriver(simUrl, tracker.url) : rawDriver(simUrl, tracker.url, o.concurrency);
    const { sendSms, sendCall, sendMail } = driver;

    // Warm-up (JIT, sockets), then a clean slate: none of it is measured.
    await inParallel(500, o.concurrency, (n) => sendSms(9_000_000 + n));
    await inParallel(50, o.concurrency, (n) => sendCall(900_000 + n));
    await sendMail(9_000_000, o.emailBatch);
    await settled(simUrl);
    const cleared = await fetch(`${simUrl}/__sim/messages`, { method: 'DELETE' });
    if (cleared.status !== 204) throw new Error(`DELETE /__sim/messages answered ${cleared.status}`);

    if (o.backlogCalls !== undefined) {
      await measureCallBacklog(o.backlogCalls, o, simUrl, pid, tracker, sendCall);
      if (o.heapSnapshot) await heapSnapshot(pid, logDir);
      driver.close();
      return;
    }

    if (o.backlog !== undefined) {
      const email = o.channels.includes('email');
      const sms = o.channels.includes('sms');
      await (email && sms
        ? measureEmailAndSmsBacklog(o.backlog, o.backlogSms ?? Math.round(o.backlog / 3), o, simUrl, pid, tracker, sendMail, sendSms)
        : email
          ? measureEmailBacklog(o.backlog, o, simUrl, pid, tracker, sendMail)
          : measureSmsBacklog(o.backlog, o, simUrl, pid, tracker, sendSms));
      if (o.heapSnapshot) await heapSnapshot(pid, logDir);
      driver.close();
      return;
    }

    if (o.mixed !== undefined) {
      await measureMixed(o.mixed, o, simUrl, pid, driver);
      driver.close();
      return;
    }

    const counts = { sms: Math.round(o.messages * MIX.sms), email: Math.round(o.messages * MIX.email), voice: 0 };
    counts.voice = o.messages - counts.sms - counts.email;
    for (const channel of ['sms', 'email', 'voice'] as const) if (!o.channels.includes(channel)) counts[channel] = 0;
    const start = procSample(pid);
    console.log(
      `[sim-cost] ${counts.sms + counts.email + counts.voice} messages (${counts.sms} SMS, ${counts.email} e-mails, ${counts.voice} calls) to ${o.simEntry}; RSS after warm-up ${start.rssMb.toFixed(0)} MB`,
    );
    const checkpoints: Checkpoint[] = [];
    const perChannel: Record<string, { messages: number; cpu_s: number; cpu_ms_per_message: number; wall_s: number; rss_mb_after: number }> = {};
    let totalSent = 0;
    const phase = async (channel: 'sms' | 'email' | 'voice', count: number, run: (from: number, to: number) => Promise<void>): Promise<void> => {
      if (count === 0) return;
      const before = procSample(pid);
      const began = Date.now();
      const step = Math.max(1, Math.ceil(count / o.checkpoints));
      for (let from = 0; from < count; from += step) {
        const to = Math.min(count, from + step);
        await run(from, to);
        const sample = procSample(pid);
        const heap = await heapUsedMb(simUrl);
        const { pendingCallbacks } = await stats(simUrl);
        checkpoints.push({ channel, sent: to, total_sent: totalSent + to, rss_mb: Math.round(sample.rssMb), heap_used_mb: heap, pending_callbacks: pendingCallbacks });
        console.log(
          `[sim-cost] ${channel} ${to}/${count}: RSS ${sample.rssMb.toFixed(0)} MB, heap ${heap} MB, ${pendingCallbacks} pending, CPU ${(sample.cpuS - before.cpuS).toFixed(1)} s`,
        );
      }
      await settled(simUrl);
      const after = procSample(pid);
      totalSent += count;
      const cpu = after.cpuS - before.cpuS;
      perChannel[channel] = {
        messages: count,
        cpu_s: round(cpu, 2),
        cpu_ms_per_message: round((cpu * 1000) / Math.max(1, count), 4),
        wall_s: round((Date.now() - began) / 1000, 1),
        rss_mb_after: Math.round(after.rssMb),
      };
      console.log(`[sim-cost] ${channel}: ${perChannel[channel].cpu_ms_per_message} ms CPU per message, callbacks included`);
    };

    const limit = backlogLimit(simUrl, o.maxPending);
    await phase('sms', counts.sms, (from, to) =>
      inParallel(to - from, o.concurrency, async (i) => {
        await limit(i);
        await sendSms(from + i);
      }),
    );
    await phase('email', counts.email, async (from, to) => {
      const batches = Math.ceil((to - from) / o.emailBatch);
      await inParallel(batches, o.emailConcurrency, async (b) => {
        await limit(b * 100);
        await sendMail(from + b * o.emailBatch, Math.min(o.emailBatch, to - from - b * o.emailBatch));
      });
    });
    await phase('voice', counts.voice, (from, to) =>
      inParallel(to - from, o.concurrency, async (i) => {
        await limit(i);
        await sendCall(from + i);
      }),
    );

    const end = procSample(pid);
    const final = await stats(simUrl);
    const accepted = final.sms.accepted + final.email.accepted + final.voice.accepted;
    const cpu = end.cpuS - start.cpuS;
    const grownMb = end.rssMb - start.rssMb;
    const result = {
      sim_entry: o.simEntry,
      driver: o.viaSdk ? 'sdk' : 'raw',
      messages: counts.sms + counts.email + counts.voice,
      accepted,
      duplicates: final.sms.duplicates + final.email.duplicates + final.voice.duplicates,
      cpu_s: round(cpu, 2),
      cpu_ms_per_message: round((cpu * 1000) / Math.max(1, accepted), 4),
      per_channel: perChannel,
      rss_mb_after_warmup: Math.round(start.rssMb),
      rss_mb_end: Math.round(end.rssMb),
      peak_rss_mb: Math.round(end.hwmMb),
      rss_kb_per_message: round((grownMb * 1024) / Math.max(1, accepted), 3),
      // 1 000 000 members send about 1.85 messages each in the benchmark's mix.
      rss_mb_extrapolated_1m_members: Math.round(start.rssMb + (grownMb / Math.max(1, accepted)) * 1_850_000),
      callbacks_received: Object.fromEntries(tracker.received),
      checkpoints,
    };
    console.log(JSON.stringify(result, null, 2));
    if (o.out) writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);
    driver.close();
  } finally {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    // A profile (--cpu-prof) is written on exit.
    await Promise.race([exited, new Promise((done) => setTimeout(done, 10_000))]);
    tracker.server.closeAllConnections();
    tracker.server.close();
  }
}

/** `--backlog N`: RSS and heap per SMS callback the receiver leaves unanswered (N SMS, each one pending `sent`). */
function measureSmsBacklog(count: number, o: Options, simUrl: string, pid: number, tracker: StubTracker, sendSms: (n: number) => Promise<unknown>): Promise<void> {
  tracker.holdSmsStatus = true;
  // Every `sent` callback is due well within a second (callbackDelayMs); one more for the stragglers.
  return measureBacklog(
    o,
    simUrl,
    pid,
    { name: 'backlog_sms', count },
    () => inParallel(count, o.concurrency, (n) => sendSms(n)),
    async () => (await stats(simUrl)).pendingCallbacks,
    2000,
  );
}

/**
 * `--backlog-calls N`: RSS and heap per call whose status callbacks the receiver leaves
 * unanswered (N calls, each pending its `initiated`; ADR 0068). The first 256 hold the receiver's
 * connections, the rest wait in its lane.
 */
function measureCallBacklog(count: number, o: Options, simUrl: string, pid: number, tracker: StubTracker, sendCall: (n: number) => Promise<unknown>): Promise<void> {
  tracker.holdCallStatus = true;
  return measureBacklog(
    o,
    simUrl,
    pid,
    { name: 'backlog_calls', count },
    () => inParallel(count, o.concurrency, (n) => sendCall(n)),
    async () => (await stats(simUrl)).pendingCallbacks,
    2000,
  );
}

/**
 * `--backlog N --channels email`: RSS and heap per Event Webhook event the receiver leaves
 * unanswered. N recipients in requests of `--email-batch`, each with `processed` and `delivered`
 * (2N events); the first 256 batches hold the receiver's connections, the rest wait.
 */
function measureEmailBacklog(
  count: number,
  o: Options,
  simUrl: string,
  pid: number,
  tracker: StubTracker,
  sendMail: (from: number, count: number) => Promise<unknown>,
): Promise<void> {
  tracker.holdEmailEvents = true;
  const requests = Math.ceil(count / o.emailBatch);
  const send = () => inParallel(requests, o.emailConcurrency, (b) => sendMail(b * o.emailBatch, Math.min(o.emailBatch, count - b * o.emailBatch)));
  // Every event is due well within a second (callbackDelayMs, eventBatchWindowMs); two more for the stragglers.
  return measureBacklog(o, simUrl, pid, { name: 'backlog_recipients', count }, send, async () => count * 2, 3000);
}

/**
 * `--backlog N --channels email,sms`: the 1,000,000-member run's shape when the simulator ran out
 * of memory (docs/benchmarks.md, 2026-12-07 08:40): every e-mail recipient's events owed to the
 * tracker, then SMS whose callbacks wait too. `pending` counts e-mail events plus pending SMS.
 */
function measureEmailAndSmsBacklog(
  recipients: number,
  smsCount: number,
  o: Options,
  simUrl: string,
  pid: number,
  tracker: StubTracker,
  sendMail: (from: number, count: number) => Promise<unknown>,
  sendSms: (n: number) => Promise<unknown>,
): Promise<void> {
  tracker.holdEmailEvents = true;
  tracker.holdSmsStatus = true;
  const requests = Math.ceil(recipients / o.emailBatch);
  // SMS first: a held Event Webhook POST times out after 10 s (a Twilio callback after 15), and
  // the snapshot is meant to see what waits, not what a retry keeps written.
  const send = async () => {
    await inParallel(smsCount, o.concurrency, (n) => sendSms(n));
    await inParallel(requests, o.emailConcurrency, (b) => sendMail(b * o.emailBatch, Math.min(o.emailBatch, recipients - b * o.emailBatch)));
  };
  return measureBacklog(
    o,
    simUrl,
    pid,
    { name: 'backlog_recipients_and_sms', count: recipients + smsCount },
    send,
    async () => recipients * 2 + (await stats(simUrl)).pendingCallbacks,
    1000,
  );
}

/** Asks the simulator (started with --heapsnapshot-signal) for a heap snapshot and waits until it is written. */
async function heapSnapshot(pid: number, dir: string): Promise<void> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + 600_000;
  while (Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 1000));
    const written = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    // Written once its size stops changing (it stays empty while V8 takes it).
    if (written !== undefined) {
      const size = statSync(join(dir, written)).size;
      await new Promise((done) => setTimeout(done, 3000));
      if (size > 0 && statSync(join(dir, written)).size === size) {
        console.log(`[sim-cost] heap snapshot ${join(dir, written)} (${Math.round(size / 1024 / 1024)} MB)`);
        return;
      }
    }
  }
  throw new Error('no heap snapshot within 10 minutes');
}

/**
 * The frame both backlog modes share: sample, send (the receiver holding what it reads), let what
 * is due fall due for `settleMs`, sample again, and divide the growth by what is `pending` then;
 * CPU is per message (`sent.count`: SMS or e-mail recipients).
 */
async function measureBacklog(
  o: Options,
  simUrl: string,
  pid: number,
  sent: { name: string; count: number },
  send: () => Promise<unknown>,
  pending: () => Promise<number>,
  settleMs: number,
): Promise<void> {
  const before = procSample(pid);
  const heapBefore = await heapUsedMb(simUrl);
  const began = Date.now();
  await send();
  const sendingS = (Date.now() - began) / 1000;
  await new Promise((done) => setTimeout(done, settleMs));
  const after = procSample(pid);
  const heapAfter = await heapUsedMb(simUrl);
  const pendingNow = await pending();
  const result = {
    sim_entry: o.simEntry,
    [sent.name]: sent.count,
    pending: pendingNow,
    sending_s: round(sendingS, 1),
    ...memoryPerPending(before, after, heapBefore, heapAfter, pendingNow),
    cpu_ms_per_message: round(((after.cpuS - before.cpuS) * 1000) / Math.max(1, sent.count), 4),
  };
  console.log(JSON.stringify(result, null, 2));
  if (o.out) writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);
}

/** `--mixed`: SMS create latency while SendGrid requests arrive and their events are posted. */
async function measureMixed(seconds: number, o: Options, simUrl: string, pid: number, driver: Driver): Promise<void> {
  const before = procSample(pid);
  // A scrape resets the simulator's event-loop histogram: what the next one reads is this window's.
  const metricsBefore = await simMetrics(simUrl);
  const began = Date.now();
  const until = began + seconds * 1000;
  const smsMs: number[] = [];
  const mailMs: number[] = [];
  let member = 0;
  // With a rate, the n-th create is due at n / rate: the same work reaches every build compared.
  const smsInterval = o.smsRate === undefined ? 0 : 1000 / o.smsRate;
  const sms = Array.from({ length: o.concurrency }, async () => {
    while (Date.now() < until) {
      const n = member++;
      const due = began + n * smsInterval;
      if (due > Date.now()) await new Promise((done) => setTimeout(done, due - Date.now()));
      const t = performance.now();
      await driver.sendSms(n);
      smsMs.push(performance.now() - t);
    }
  });
  let mailInFlight = 0;
  let mailSkipped = 0;
  const mails: Promise<void>[] = [];
  const mail = (async () => {
    for (let next = began; next < until; next += 1000 / o.emailRate) {
      await new Promise((done) => setTimeout(done, Math.max(0, next - Date.now())));
      if (mailInFlight >= o.emailConcurrency) {
        mailSkipped += 1;
        continue;
      }
      mailInFlight += 1;
      const from = 1_000_000 + mails.length * o.emailBatch;
      const t = performance.now();
      mails.push(
        (async () => {
          await driver.sendMail(from, o.emailBatch);
          mailMs.push(performance.now() - t);
          mailInFlight -= 1;
        })(),
      );
    }
  })();
  await Promise.all([...sms, mail]);
  await Promise.all(mails);
  const wallS = (Date.now() - began) / 1000;
  const after = procSample(pid);
  const metricsAfter = await simMetrics(simUrl);
  const { pendingCallbacks } = await stats(simUrl);
  const gc: Record<string, { count: number; ms: number }> = {};
  for (const [kind, sum] of Object.entries(metricsAfter.gcSumS)) {
    gc[kind] = { count: (metricsAfter.gcCount[kind] ?? 0) - (metricsBefore.gcCount[kind] ?? 0), ms: Math.round((sum - (metricsBefore.gcSumS[kind] ?? 0)) * 1000) };
  }
  const result = {
    sim_entry: o.simEntry,
    seconds: round(wallS, 1),
    sms_in_flight: o.concurrency,
    sms_rate: o.smsRate ?? 'as answered',
    sms_creates: smsMs.length,
    sms_per_s: Math.round(smsMs.length / wallS),
    sms_ms: latencies(smsMs),
    email_requests: mailMs.length,
    email_requests_skipped_at_concurrency_cap: mailSkipped,
    email_personalizations: o.emailBatch,
    email_request_ms: latencies(mailMs),
    sim_cpu_share: round((after.cpuS - before.cpuS) / wallS, 2),
    sim_event_loop_delay_ms: metricsAfter.loopDelayMs,
    sim_gc: gc,
    sim_rss_mb_end: Math.round(after.rssMb),
    sim_peak_rss_mb: Math.round(after.hwmMb),
    pending_callbacks_end: pendingCallbacks,
  };
  console.log(JSON.stringify(result, null, 2));
  if (o.out) writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);
}

function latencies(ms: number[]): { p50: number; p95: number; p99: number; mean: number; max: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0, 1);
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), mean: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length), 1), max: round(sorted.at(-1) ?? 0, 1) };
}

/** The simulator's event-loop delay (since the previous scrape) and GC totals by kind, from its /metrics. */
async function simMetrics(simUrl: string): Promise<{ loopDelayMs: Record<string, number>; gcSumS: Record<string, number>; gcCount: Record<string, number> }> {
  const text = await (await fetch(`${simUrl}/metrics`)).text();
  const value = (name: string): number => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)?.[1] ?? NaN);
  const loopDelayMs = Object.fromEntries(['mean', 'p50', 'p90', 'p99', 'max'].map((q) => [q, round(value(`nodejs_eventloop_lag_${q}_seconds`) * 1000, 1)]));
  const gcSumS: Record<string, number> = {};
  const gcCount: Record<string, number> = {};
  for (const match of text.matchAll(/^nodejs_gc_duration_seconds_(sum|count)\{[^}]*kind="(\w+)"[^}]*\} (\S+)/gm)) {
    (match[1] === 'sum' ? gcSumS : gcCount)[match[2]] = Number(match[3]);
  }
  return { loopDelayMs, gcSumS, gcCount };
}

/** What the simulator's memory grew by, per pending callback (SMS) or event (e-mail). */
function memoryPerPending(before: { rssMb: number }, after: { rssMb: number; hwmMb: number }, heapBefore: number, heapAfter: number, pending: number): Record<string, number> {
  return {
    rss_mb_before: Math.round(before.rssMb),
    rss_mb_after: Math.round(after.rssMb),
    peak_rss_mb: Math.round(after.hwmMb),
    heap_used_mb_before: heapBefore,
    heap_used_mb_after: heapAfter,
    rss_bytes_per_pending: Math.round(((after.rssMb - before.rssMb) * 1024 * 1024) / Math.max(1, pending)),
    heap_bytes_per_pending: Math.round(((heapAfter - heapBefore) * 1024 * 1024) / Math.max(1, pending)),
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
