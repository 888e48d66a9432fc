import { DEFAULT_SIM_CONFIG } from '../config/sim-config';
import { SimConfigStore, StartupSimConfig } from '../config/sim-config.store';
import { SimStats } from '../stats/sim-stats';
import { HoldingReceiver } from '../testing/holding-receiver';
import { Cancelled, SimScheduler } from '../timing/sim-scheduler';
import { OutboundWebhook, QueuedWebhook, WebhookAttempt, WebhookDraft } from './outbound-webhook';
import { originOf, WebhookSender } from './webhook-sender';

describe('WebhookSender', () => {
  let scheduler: SimScheduler;
  let sender: WebhookSender;
  let receiver: HoldingReceiver;
  let built: number[];

  const draft = (n: number): WebhookDraft => ({
    url: receiver.url('/status'),
    build: (): OutboundWebhook => {
      built.push(n);
      return { kind: 'sms', label: `callback ${n}`, url: receiver.url('/status'), body: `n=${n}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } };
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

    await receiver.receivedCount(256);
    // The 44 beyond the connections have no body, signature or HTTP request yet.
    expect(built).toHaveLength(256);
    expect(sender.backlog).toEqual({ posting: 256, waiting: 44 });

    receiver.release();
    const attempts: WebhookAttempt[] = await Promise.all(deliveries);

    expect(attempts.every((a) => a.reply?.status === 200)).toBe(true);
    // First come, first built, first posted.
    expect(built).toEqual(Array.from({ length: 300 }, (_, n) => n));
    expect(sender.backlog).toEqual({ posting: 0, waiting: 0 });
  });

  it('drops the waiting drafts unbuilt on a reset', async () => {
    const deliveries = Array.from({ length: 260 }, (_, n) => sender.deliver(draft(n), scheduler.current, { retry: false }).catch((error: unknown) => error));
    await receiver.receivedCount(256);

    scheduler.cancelAll();
    const outcomes = await Promise.all(deliveries);

    expect(outcomes.every((outcome) => outcome instanceof Cancelled)).toBe(true);
    // The four waiting ones woke only to see the reset: never built.
    expect(built).toHaveLength(256);
    expect(sender.backlog).toEqual({ posting: 0, waiting: 0 });
  });

  it('under a backlog, posts a message’s later callback ahead of the messages that posted nothing yet, so that messages finish one after another', async () => {
    // 1,000 messages of two callbacks each, as SmsCallbacks queues them: `sent`, then once answered `delivered`.
    const count = 1_000;
    const posts: string[] = [];
    let finished = 0;
    let finishedWhenLastBegan = -1;
    const message = (n: number): QueuedWebhook => {
      let step = 0;
      const record: QueuedWebhook = {
        url: receiver.url('/status'),
        token: scheduler.current,
        build: (): OutboundWebhook => {
          posts.push(`${n}:${step}`);
          if (n === count - 1 && step === 0) finishedWhenLastBegan = finished;
          return {
            kind: 'sms',
            label: `message ${n}`,
            url: receiver.url('/status'),
            body: `n=${n}&step=${step}`,
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          };
        },
        posted: () => {
          step += 1;
          if (step < 2) sender.enqueue(record, true);
          else finished += 1;
        },
      };
      return record;
    };
    for (let n = 0; n < count; n += 1) sender.enqueue(message(n));
    await receiver.receivedCount(256);
    expect(sender.backlog).toEqual({ posting: 256, waiting: count - 256 });

    receiver.release();
    await waitUntil(() => finished === count);

    // Every callback once, each message's in order.
    expect(posts).toHaveLength(2 * count);
    expect(new Set(posts).size).toBe(2 * count);
    for (let n = 0; n < count; n += 1) expect(posts.indexOf(`${n}:1`)).toBeGreaterThan(posts.indexOf(`${n}:0`));
    // In one first-come queue every `delivered` waited behind all the messages not begun: none had
    // finished when the last one began. Ahead of them, messages finish while others wait to begin.
    expect(finishedWhenLastBegan).toBeGreaterThanOrEqual(256);
    expect(sender.backlog).toEqual({ posting: 0, waiting: 0 });
  });

  it('drops the records of both queues on a reset', async () => {
    let posted = 0;
    const record = (): QueuedWebhook => ({ ...draft(0), token: scheduler.current, posted: () => (posted += 1) });
    for (let n = 0; n < 256; n += 1) sender.enqueue(record());
    sender.enqueue(record());
    sender.enqueue(record(), true);
    await receiver.receivedCount(256);
    expect(sender.backlog).toEqual({ posting: 256, waiting: 2 });

    scheduler.cancelAll();

    expect(sender.backlog).toEqual({ posting: 0, waiting: 0 });
    expect(posted).toBe(0);
  });

  it('gives every receiver origin its own lane', () => {
    expect(originOf('http://127.0.0.1:3000/webhooks/twilio/message-status?deliveryId=1')).toBe('http://127.0.0.1:3000');
    expect(originOf('http://tracker:3000#rc=2')).toBe('http://tracker:3000');
    expect(originOf('https://example.test?x=1')).toBe('https://example.test');
  });
});

async function waitUntil(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
}
