import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SimConfigStore } from '../config/sim-config.store';
import { MessageStore } from '../inbox/message-store';
import { StatusHistory } from '../inbox/status-history';
import { mulberry32 } from '../random/prng';
import { randomBase64Url16 } from '../random/random-ids';
import { SimScheduler } from '../timing/sim-scheduler';
import { WebhookSender } from '../webhooks/webhook-sender';
import { EmailFate } from './email-fate';
import { EmailLifecycle } from './email-lifecycle';
import { EventWebhookBatcher } from './event-webhook-batcher';

/**
 * A national alert whose Event Webhook receiver is slower than the simulator leaves most e-mail
 * recipients' events waiting (1,000,000 at once at 1,000,000 members): what each recipient keeps
 * alive once its message left the inbox's window is the simulator's memory at that scale (ADR
 * 0066). Measured in bytes of heap with the garbage collected before each reading, over 100,000
 * recipients in requests of 1,000, each recipient its own personalization with its own address
 * and delivery_id, parsed from a JSON body as a request's are.
 */
describe('pending e-mail recipients', () => {
  const RECIPIENTS = 100_000;
  const PER_REQUEST = 1_000;
  const retention = { messagesPerChannel: 5_000, messagesPerAddress: 20 };

  function setUp(callbackDelayMs: number) {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const scheduler = new SimScheduler();
    const config = {
      current: {
        callbackDelayMs: { min: callbackDelayMs, max: callbackDelayMs },
        retention,
        sendgridEventWebhookUrl: 'http://127.0.0.1:9/sendgrid/events',
        email: { bounceRate: 0, dropRate: 0, deferRate: 0, eventBatchSize: PER_REQUEST, eventBatchWindowMs: 20 },
      },
    } as unknown as SimConfigStore;
    const store = new MessageStore(config);
    // A receiver that never answers: every batch waits in the sender's lane, which holds it.
    const lane: unknown[] = [];
    const sender = {
      deliver: (draft: unknown) => {
        lane.push(draft);
        return new Promise(() => {});
      },
    } as unknown as WebhookSender;
    const posted = () => lane.length;
    const lifecycle = new EmailLifecycle(scheduler, config, new EventWebhookBatcher(scheduler, config, sender), store);
    let request = 0;
    /** One request of PER_REQUEST recipients, recorded and started as MailSendService does. */
    const send = () => {
      const messageId = randomBase64Url16();
      const body = JSON.parse(
        JSON.stringify(
          Array.from({ length: PER_REQUEST }, (_, i) => ({
            to: `member${String(request * PER_REQUEST + i).padStart(7, '0')}@example.be`,
            deliveryId: randomUUID(),
          })),
        ),
      ) as Array<{ to: string; deliveryId: string }>;
      const categories = ['bin-alert'];
      const receivedAt = new Date().toISOString();
      const accepted = body.map(({ to, deliveryId }, i) => ({
        message: store.record({
          id: messageId,
          channel: 'email',
          to,
          from: 'alerts@bin-aalst.be',
          receivedAt,
          subject: 'BIN Aalst: inbraak Kerkstraat',
          text: 'Sluit ramen en deuren.',
          customArgs: { delivery_id: deliveryId },
          categories,
          headers: {},
          sgMessageId: `${messageId}.filterdrecv-sim-${i + 1}-0.0`,
          statuses: new StatusHistory(),
        }),
        fate: 'delivered' as EmailFate,
      }));
      lifecycle.start(messageId, accepted, mulberry32(request));
      request += 1;
    };
    const measure = async (settled: () => boolean): Promise<number> => {
      // The inbox's window filled first: what is measured is what outlives it.
      for (let i = 0; i < retention.messagesPerChannel / PER_REQUEST; i += 1) send();
      await until(settled);
      gc();
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < RECIPIENTS / PER_REQUEST; i += 1) send();
      await until(settled);
      gc();
      return (process.memoryUsage().heapUsed - before) / RECIPIENTS;
    };
    return { scheduler, store, measure, posted, requests: () => request };
  }

  it('waiting for their first event keep at most 85 bytes of heap each (~70 measured; ~92 before ADR 0054, ~610 before ADR 0066: each held its message)', async () => {
    const { scheduler, measure } = setUp(3_600_000);
    const perRecipient = await measure(() => true);
    // One lifecycle per request, asleep until its first step.
    expect(scheduler.pending).toBe((retention.messagesPerChannel + RECIPIENTS) / PER_REQUEST);
    scheduler.cancelAll();
    expect(perRecipient).toBeLessThanOrEqual(85);
  });

  it('whose processed and delivered wait for the receiver keep at most 100 bytes of heap each (~84 measured; ~120 before ADR 0054, ~230 before ADR 0066)', async () => {
    const { scheduler, measure, posted, requests } = setUp(0);
    // Settled once every request's two batches wait in the sender and nothing else runs.
    const perRecipient = await measure(() => posted() === 2 * requests() && scheduler.pending === posted());
    expect(posted()).toBe((2 * (retention.messagesPerChannel + RECIPIENTS)) / PER_REQUEST);
    scheduler.cancelAll();
    expect(perRecipient).toBeLessThanOrEqual(100);
  });
});

async function until(settled: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !settled(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(settled()).toBe(true);
}
