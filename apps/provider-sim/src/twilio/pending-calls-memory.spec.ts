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
import { CallFate } from './call-fate';
import { CallLifecycle } from './call-lifecycle';
import { requestedCallEvents } from './call-params';
import { twilioSid } from './twilio-resource-format';
import { parseSaidTexts } from './twiml-say.parser';

/**
 * A national alert whose receiver is slower than the simulator leaves calls waiting for it to
 * take their status callbacks (a heap snapshot at 1,000,000 members: ~61,000 calls alive, each
 * ~4.5 KB of suspended async functions, promises and closures): what each keeps alive once its
 * call left the inbox's window is the simulator's memory at that scale (ADR 0068). Measured in
 * bytes of heap with the garbage collected before each reading; each call's strings are fresh
 * copies, as a parsed request's are, and its TwiML is the dispatcher's shape (a Gather whose
 * action names the delivery).
 */
describe('pending calls', () => {
  it('keep at most 500 bytes of heap per call waiting for its receiver past the inbox window (~260 measured, ~4,750 before ADR 0068)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const scheduler = new SimScheduler();
    const retention = { messagesPerChannel: 2_000, messagesPerAddress: 20 };
    const config = { current: { callbackDelayMs: { min: 0, max: 0 }, retention } } as unknown as SimConfigStore;
    const store = new MessageStore(config);
    // The receiver never answers: every call's `initiated` callback waits in its lane, as itself.
    const held: unknown[] = [];
    const sender = { enqueue: (webhook: unknown) => held.push(webhook) } as unknown as WebhookSender;
    const lifecycle = new CallLifecycle(scheduler, config, {} as TwilioWebhookFactory, sender, store);
    const fate: CallFate = { outcome: 'completed', answeredBy: 'human', acknowledges: true };
    const fresh = (text: string) => decodeURIComponent(encodeURIComponent(`%${text}`)).slice(1);
    const place = (i: number) => {
      const twiml = fresh(
        `<Response><Gather numDigits="1" timeout="10" action="http://127.0.0.1:3104/webhooks/twilio/voice-gather?deliveryId=${randomUUID()}">` +
          '<Say voice="Polly.Lotte" language="nl-NL">BIN Aalst: inbraak gemeld in de Kerkstraat, sluit ramen en deuren. Druk 1 als u dit bericht gehoord hebt.</Say></Gather></Response>',
      );
      const statusCallbackEvents = ['initiated', 'ringing', 'answered', 'completed'].map(fresh);
      const call = store.record({
        id: twilioSid('CA'),
        channel: 'voice',
        to: fresh(`+3247${String(i).padStart(7, '0')}`),
        from: fresh('+32460000001'),
        receivedAt: new Date().toISOString(),
        twiml,
        said: parseSaidTexts(twiml),
        statusCallback: fresh(`http://127.0.0.1:3104/webhooks/twilio/call-status?deliveryId=${randomUUID()}#rc=5&rp=all`),
        statusCallbackEvents,
        machineDetection: fresh('DetectMessageEnd'),
        statuses: new StatusHistory(),
      });
      const context = { accountSid: fresh(`AC${'0'.repeat(31)}1`), events: requestedCallEvents(statusCallbackEvents), machineDetection: call.machineDetection };
      lifecycle.start(call, fate, context, mulberry32(i));
    };
    const waitHeld = async (count: number) => {
      for (let i = 0; i < 2_000 && held.length < count; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(held.length).toBe(count);
    };
    // The inbox's window filled first: what is measured is what outlives it.
    for (let i = 0; i < retention.messagesPerChannel; i += 1) place(i);
    await waitHeld(retention.messagesPerChannel);
    const calls = 30_000;
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = retention.messagesPerChannel; i < retention.messagesPerChannel + calls; i += 1) place(i);
    await waitHeld(retention.messagesPerChannel + calls);
    gc();
    const perCall = (process.memoryUsage().heapUsed - before) / calls;
    expect(scheduler.pending).toBe(retention.messagesPerChannel + calls);
    scheduler.cancelAll();
    expect(perCall).toBeLessThanOrEqual(500);
  }, 60_000);
});

describe('a call as a record', () => {
  const setUp = (messagesPerChannel: number) => {
    const scheduler = new SimScheduler();
    const config = { current: { callbackDelayMs: { min: 0, max: 0 }, retention: { messagesPerChannel, messagesPerAddress: 20 } } } as unknown as SimConfigStore;
    const posted: Array<{ label: string; url: string; params: Record<string, string>; retry: boolean | undefined }> = [];
    const webhooks = {
      signed: (_kind: string, label: string, url: string, params: Record<string, string>) => ({ label, url, params }),
    } as unknown as TwilioWebhookFactory;
    const sender = {
      enqueue: (webhook: { retry?: boolean; build(): { label: string; url: string; params: Record<string, string> }; posted(attempt: unknown): void }) =>
        setImmediate(() => {
          const built = webhook.build();
          posted.push({ ...built, retry: webhook.retry });
          const twiml = '<Response><Gather timeout="7" action="/gather?d=1"><Say>Een twee drie vier vijf</Say></Gather></Response>';
          webhook.posted({ reply: { status: 200, contentType: 'text/xml', body: built.label.startsWith('call twiml') ? twiml : '' } });
        }),
    } as unknown as WebhookSender;
    const store = new MessageStore(config);
    return { scheduler, posted, store, lifecycle: new CallLifecycle(scheduler, config, webhooks, sender, store) };
  };
  const place = (store: MessageStore) =>
    store.record({
      id: twilioSid('CA'),
      channel: 'voice',
      to: '+3250000001',
      from: '+3250000002',
      receivedAt: new Date().toISOString(),
      url: 'http://r/answer?d=1',
      said: [],
      statusCallback: 'http://r/status?d=1',
      statuses: new StatusHistory(),
    });
  const settle = async (scheduler: SimScheduler) => {
    for (let i = 0; i < 100 && scheduler.pending > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  const events = requestedCallEvents(['initiated', 'ringing', 'answered', 'completed']);
  const fate: CallFate = { outcome: 'completed', answeredBy: 'human', acknowledges: true };

  it('posts its statuses in order with their sequence numbers, fetches its TwiML and presses 1 once each without retries', async () => {
    const { scheduler, posted, store, lifecycle } = setUp(100);
    const call = place(store);
    lifecycle.start(call, fate, { accountSid: 'AC1', events, machineDetection: 'Enable' }, mulberry32(1));
    await settle(scheduler);
    expect(posted.map((p) => [p.label.split(' ').slice(0, -1).join(' '), p.url, p.params.SequenceNumber, p.params.AnsweredBy, p.params.CallDuration, p.retry])).toEqual([
      ['call status initiated', 'http://r/status?d=1', '0', undefined, undefined, true],
      ['call status ringing', 'http://r/status?d=1', '1', undefined, undefined, true],
      ['call status in-progress', 'http://r/status?d=1', '2', 'human', undefined, true],
      ['call twiml', 'http://r/answer?d=1', undefined, 'human', undefined, false],
      ['call gather', 'http://r/gather?d=1', undefined, 'human', undefined, false],
      ['call status completed', 'http://r/status?d=1', '3', 'human', '4', true],
    ]);
    expect(call.statuses?.toJSON().map((s) => s.status)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    expect([call.outcome, call.answeredBy, call.digits, call.gatherReplyStatus, call.durationSeconds, call.said?.[0]?.text]).toEqual([
      'completed',
      'human',
      '1',
      200,
      4,
      'Een twee drie vier vijf',
    ]);
  });

  it('that left the inbox window while in progress leaves its outcome, answer and duration on its Twilio record', async () => {
    const { scheduler, store, lifecycle } = setUp(1);
    const call = place(store);
    lifecycle.start(call, fate, { accountSid: 'AC1', events, machineDetection: 'Enable' }, mulberry32(1));
    place(store);
    await settle(scheduler);
    const resource = store.twilioResource('voice', call.id);
    expect([resource?.outcome, resource?.answeredBy, resource?.durationSeconds]).toEqual(['completed', 'human', 4]);
  });
});
