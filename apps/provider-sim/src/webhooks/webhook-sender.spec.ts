import { createServer, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { DEFAULT_SIM_CONFIG } from '../config/sim-config';
import { SimConfigStore, StartupSimConfig } from '../config/sim-config.store';
import { SimStats } from '../stats/sim-stats';
import { Cancelled, SimScheduler } from '../timing/sim-scheduler';
import { OutboundWebhook, WebhookAttempt, WebhookDraft } from './outbound-webhook';
import { originOf, WebhookSender } from './webhook-sender';

/** A receiver that reads every POST and answers none until told: the slow tracker of a national alert. */
class HoldingReceiver {
  readonly held: Array<{ body: string; res: ServerResponse }> = [];
  private waiters: Array<{ count: number; done: () => void }> = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<HoldingReceiver> {
    let receiver: HoldingReceiver | undefined;
    const server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => receiver?.hold(body, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = new HoldingReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/status`);
    return receiver;
  }

  /** Resolves once `count` POSTs are held. */
  holding(count: number): Promise<void> {
    return new Promise((done) => {
      this.waiters.push({ count, done });
      this.check();
    });
  }

  answerAll(): void {
    for (const { res } of this.held.splice(0)) res.writeHead(200).end();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private hold(body: string, res: ServerResponse): void {
    this.held.push({ body, res });
    this.check();
  }

  private check(): void {
    const ready = this.waiters.filter((w) => this.held.length >= w.count);
    this.waiters = this.waiters.filter((w) => this.held.length < w.count);
    for (const w of ready) w.done();
  }
}

describe('WebhookSender', () => {
  let scheduler: SimScheduler;
  let sender: WebhookSender;
  let receiver: HoldingReceiver;
  let built: number[];

  const draft = (n: number): WebhookDraft => ({
    url: receiver.url,
    build: (): OutboundWebhook => {
      built.push(n);
      return { kind: 'sms', label: `callback ${n}`, url: receiver.url, body: `n=${n}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
    },
  });

  beforeEach(async () => {
    scheduler = new SimScheduler();
    sender = new WebhookSender(scheduler, new SimConfigStore(new StartupSimConfig(DEFAULT_SIM_CONFIG)), new SimStats());
    receiver = await HoldingReceiver.start();
    built = [];
  });
  afterEach(async () => {
    scheduler.cancelAll();
    sender.onApplicationShutdown();
    await receiver.close();
  });

  it('keeps callbacks beyond its receiver connections as unbuilt drafts, and posts them in order once the receiver answers', async () => {
    const deliveries = Array.from({ length: 300 }, (_, n) => sender.deliver(draft(n), scheduler.current, { retry: false }));

    await receiver.holding(256);
    // The 44 beyond the connections have no body, signature or HTTP request yet.
    expect(built).toHaveLength(256);
    expect(sender.backlog).toEqual({ posting: 256, waiting: 44 });

    receiver.answerAll();
    await receiver.holding(44);
    receiver.answerAll();
    const attempts: WebhookAttempt[] = await Promise.all(deliveries);

    expect(attempts.every((a) => a.reply?.status === 200)).toBe(true);
    // First come, first built, first posted.
    expect(built).toEqual(Array.from({ length: 300 }, (_, n) => n));
    expect(sender.backlog).toEqual({ posting: 0, waiting: 0 });
  });

  it('drops the waiting drafts unbuilt on a reset', async () => {
    const deliveries = Array.from({ length: 260 }, (_, n) => sender.deliver(draft(n), scheduler.current, { retry: false }).catch((error: unknown) => error));
    await receiver.holding(256);

    scheduler.cancelAll();
    const outcomes = await Promise.all(deliveries);

    expect(outcomes.every((outcome) => outcome instanceof Cancelled)).toBe(true);
    // The four waiting ones woke only to see the reset: never built.
    expect(built).toHaveLength(256);
    expect(sender.backlog).toEqual({ posting: 0, waiting: 0 });
  });

  it('gives every receiver origin its own lane', () => {
    expect(originOf('http://127.0.0.1:3000/webhooks/twilio/message-status?deliveryId=1')).toBe('http://127.0.0.1:3000');
    expect(originOf('http://tracker:3000#rc=2')).toBe('http://tracker:3000');
    expect(originOf('https://example.test?x=1')).toBe('https://example.test');
  });
});
