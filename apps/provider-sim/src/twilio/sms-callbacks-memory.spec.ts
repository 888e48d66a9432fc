import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SimConfigStore } from '../config/sim-config.store';
import { MessageStore } from '../inbox/message-store';
import { StatusHistory } from '../inbox/status-history';
import { mulberry32 } from '../random/prng';
import { SimScheduler } from '../timing/sim-scheduler';
import { TwilioWebhookFactory } from '../webhooks/twilio-webhook';
import { WebhookSender } from '../webhooks/webhook-sender';
import { SmsFate } from './sms-fate';
import { SmsLifecycle } from './sms-lifecycle';
import { twilioSid } from './twilio-resource-format';

/**
 * A national alert whose receiver is slower than the simulator leaves most messages' callbacks
 * waiting (758,044 at the end of a 1,000,000-member run): what each one keeps alive once its
 * message left the inbox's window is the simulator's memory at that scale (ADR 0061). Measured in
 * bytes of heap with the garbage collected before each reading; each message's strings are fresh
 * copies, as a parsed request's are.
 */
describe('pending SMS callbacks', () => {
  it('keep at most 200 bytes of heap per message past the inbox window (~145 measured, 589 before ADR 0061)', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const scheduler = new SimScheduler();
    const retention = { messagesPerChannel: 5_000, messagesPerAddress: 20 };
    // Callbacks far in the future: every message stays pending.
    const config = { current: { callbackDelayMs: { min: 3_600_000, max: 3_600_000 }, retention } } as unknown as SimConfigStore;
    const store = new MessageStore(config);
    const lifecycle = new SmsLifecycle(scheduler, config, {} as TwilioWebhookFactory, {} as WebhookSender, store);
    const fate: SmsFate = { status: 'delivered', outOfOrder: false };
    const fresh = (text: string) => decodeURIComponent(encodeURIComponent(`%${text}`)).slice(1);
    const send = (i: number) => {
      const message = store.record({
        id: twilioSid('SM'),
        channel: 'sms',
        to: fresh(`+3247${String(i).padStart(7, '0')}`),
        from: fresh('+32460000001'),
        accountSid: fresh(`AC${'0'.repeat(31)}1`),
        receivedAt: new Date().toISOString(),
        body: 'BIN Aalst: inbraak gemeld in de Kerkstraat, sluit ramen en deuren.',
        segments: 1,
        statusCallback: fresh(`http://127.0.0.1:3002/webhooks/twilio/message-status?deliveryId=${randomUUID()}#rc=5&rp=all`),
        statuses: new StatusHistory(),
      });
      lifecycle.start(message, fate, { accountSid: message.accountSid ?? '' }, mulberry32(i));
    };
    // The inbox's window filled first: what is measured is what outlives it.
    for (let i = 0; i < retention.messagesPerChannel; i += 1) send(i);
    const messages = 100_000;
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = retention.messagesPerChannel; i < retention.messagesPerChannel + messages; i += 1) send(i);
    gc();
    const perMessage = (process.memoryUsage().heapUsed - before) / messages;
    expect(scheduler.pending).toBe(retention.messagesPerChannel + messages);
    scheduler.cancelAll();
    expect(perMessage).toBeLessThanOrEqual(200);
  });
});

describe('SMS callbacks and the Twilio record they read', () => {
  const setUp = () => {
    const scheduler = new SimScheduler();
    const retention = { messagesPerChannel: 5_000, messagesPerAddress: 20 };
    const config = { current: { callbackDelayMs: { min: 0, max: 0 }, retention } } as unknown as SimConfigStore;
    const built: Array<{ label: string; url: string; params: Record<string, string> }> = [];
    const webhooks = {
      signed: (_kind: string, label: string, url: string, params: Record<string, string>) => built.push({ label, url, params }),
    } as unknown as TwilioWebhookFactory;
    const sender = {
      enqueue: (webhook: { build(): unknown; posted(attempt: unknown): void }) =>
        setImmediate(() => {
          webhook.build();
          webhook.posted({});
        }),
    } as unknown as WebhookSender;
    const store = new MessageStore(config);
    return { scheduler, built, store, lifecycle: new SmsLifecycle(scheduler, config, webhooks, sender, store) };
  };
  const message = () => ({
    id: twilioSid('SM'),
    channel: 'sms' as const,
    to: '+32470000001',
    from: '+32460000001',
    accountSid: 'AC1',
    receivedAt: new Date().toISOString(),
    statusCallback: 'http://r/s?d=1',
    statuses: new StatusHistory(),
  });

  it('of a recorded message carry its sid, numbers and account, and its statuses are recorded on it', async () => {
    const { scheduler, built, store, lifecycle } = setUp();
    const recorded = store.record(message());
    lifecycle.start(recorded, { status: 'delivered', outOfOrder: false }, { accountSid: 'AC1' }, mulberry32(1));
    for (let i = 0; i < 50 && scheduler.pending > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    const { id } = recorded;
    expect(built.map((b) => [b.url, b.params.MessageSid, b.params.To, b.params.From, b.params.AccountSid, b.params.MessageStatus])).toEqual([
      ['http://r/s?d=1', id, '+32470000001', '+32460000001', 'AC1', 'sent'],
      ['http://r/s?d=1', id, '+32470000001', '+32460000001', 'AC1', 'delivered'],
    ]);
    expect(recorded.statuses?.toJSON().map((s) => s.status)).toEqual(['sent', 'delivered']);
    expect(recorded.outcome).toBe('delivered');
    expect(store.twilioResource('sms', id)?.outcome).toBe('delivered');
  });

  it('refuse a message the store has no record of: nothing begun, nothing posted', async () => {
    const { scheduler, built, lifecycle } = setUp();
    const unrecorded = { ...message(), seq: 1 };
    expect(() => lifecycle.start(unrecorded, { status: 'delivered', outOfOrder: false }, { accountSid: 'AC1' }, mulberry32(1))).toThrow(
      `SMS ${unrecorded.id} has no Twilio record: record it in the MessageStore before starting its callbacks`,
    );
    expect(scheduler.pending).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(built).toEqual([]);
    expect(unrecorded.statuses.toJSON()).toEqual([]);
  });
});
