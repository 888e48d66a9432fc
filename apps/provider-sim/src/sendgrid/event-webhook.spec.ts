import { EmailBatch, SendGridEmailSender } from '@bin-alert/providers';
import { EventWebhook, EventWebhookHeader } from '@sendgrid/eventwebhook';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { SIMULATOR_EVENT_WEBHOOK_PRIVATE_KEY, SIMULATOR_EVENT_WEBHOOK_PUBLIC_KEY } from '@bin-alert/platform';
import { SimFixture, startSimFixture } from '../testing/sim-fixture';
import { HoldingReceiver } from '../testing/holding-receiver';
import { ReceivedRequest, WebhookReceiver } from '../testing/webhook-receiver';

type Event = Record<string, unknown>;

describe('SendGrid Event Webhook', () => {
  let fixture: SimFixture;
  let receiver: WebhookReceiver;
  let sender: SendGridEmailSender;
  const webhook = new EventWebhook();

  const batch = (recipients: EmailBatch['recipients'], categories = ['bin-alert']): EmailBatch => ({
    subject: 'BIN Aalst: inbraak Kerkstraat',
    text: 'Sluit ramen en deuren.',
    html: '<p>Sluit ramen en deuren.</p>',
    recipients,
    categories,
  });

  beforeAll(async () => {
    fixture = await startSimFixture({ callbackDelayMs: { min: 0, max: 2 } });
    receiver = await WebhookReceiver.start();
    sender = new SendGridEmailSender(fixture.settings.sendgrid);
  });
  afterAll(async () => {
    await fixture.sim.close();
    await receiver.close();
  });
  beforeEach(async () => {
    await fixture.clear();
    await fixture.configure({ sendgridEventWebhookUrl: receiver.url('/sendgrid/events'), email: { eventBatchSize: 500, bounceRate: 0 } });
    receiver.reset();
  });

  const events = (): Event[] => receiver.on('/sendgrid/events').flatMap((post) => JSON.parse(post.rawBody.toString('utf8')) as Event[]);

  it('posts processed then delivered per recipient, with delivery_id at the top level, signed with the simulator key', async () => {
    const recipients = [
      { deliveryId: 'd-1', to: 'an@example.be' },
      { deliveryId: 'd-2', to: 'bart@example.be' },
      { deliveryId: 'd-3', to: 'chloé@example.be' },
    ];

    const accepted = await sender.sendBatch(batch(recipients));
    await fixture.settled();

    const posts = receiver.on('/sendgrid/events');
    expect(posts.length).toBeGreaterThanOrEqual(1);
    for (const post of posts) {
      expect(post.headers['content-type']).toBe('application/json');
      expect(isSignedBySimulator(post)).toBe(true);
    }
    const all = events();
    expect(all).toHaveLength(6);
    for (const { deliveryId, to } of recipients) {
      const mine = all.filter((event) => event.delivery_id === deliveryId);
      expect(mine.map((event) => event.event)).toEqual(['processed', 'delivered']);
      for (const event of mine) {
        expect(event).toMatchObject({
          email: to,
          timestamp: expect.any(Number),
          'smtp-id': expect.stringMatching(/^<.+@.+>$/),
          category: 'bin-alert',
          sg_message_id: expect.stringMatching(new RegExp(`^${accepted.providerId}\\.`)),
        });
      }
      expect(mine[0].sg_message_id).toBe(mine[1].sg_message_id);
    }
    expect(new Set(all.map((event) => event.sg_event_id)).size).toBe(6);
    expect(new Set(all.map((event) => event.sg_message_id)).size).toBe(3);
    expect(await fixture.inbox('an@example.be')).toMatchObject([{ outcome: 'delivered', statuses: [{ status: 'processed' }, { status: 'delivered' }] }]);
  });

  it('batches several events per POST, at most eventBatchSize', async () => {
    await fixture.configure({ email: { eventBatchSize: 4 } });
    const recipients = Array.from({ length: 10 }, (_, i) => ({ deliveryId: `d-${i}`, to: `member${i}@example.be` }));

    await sender.sendBatch(batch(recipients));
    const stats = await fixture.settled();

    const sizes = receiver.on('/sendgrid/events').map((post) => (JSON.parse(post.rawBody.toString('utf8')) as Event[]).length);
    expect(sizes.every((size) => size <= 4)).toBe(true);
    expect(sizes.some((size) => size > 1)).toBe(true);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(20);
    expect(stats.email.callbacks).toMatchObject({ sent: sizes.length, failed: 0, events: 20 });
  });

  it('writes the body as SendGrid does (one event per CRLF line), so only the raw bytes verify', async () => {
    await sender.sendBatch(
      batch([
        { deliveryId: 'd-1', to: 'an@example.be' },
        { deliveryId: 'd-2', to: 'bart@example.be' },
      ]),
    );
    await fixture.settled();

    const [post] = receiver.on('/sendgrid/events');
    const raw = post.rawBody.toString('utf8');
    expect(raw).toMatch(/^\[\{.*\},\r\n\{.*\}\]\r\n$/s);
    const reserialised = JSON.stringify(JSON.parse(raw));
    const key = webhook.convertPublicKeyToECDSA(SIMULATOR_EVENT_WEBHOOK_PUBLIC_KEY);
    const signature = String(post.headers[EventWebhookHeader.SIGNATURE().toLowerCase()]);
    const timestamp = String(post.headers[EventWebhookHeader.TIMESTAMP().toLowerCase()]);
    expect(webhook.verifySignature(key, reserialised, signature, timestamp)).toBe(false);
    expect(webhook.verifySignature(key, post.rawBody, signature, String(Number(timestamp) + 1))).toBe(false);
  });

  it.each([
    ['lost@bounce.sim.test', ['processed', 'bounce'], 'bounce'],
    ['gone@dropped.sim.test', ['dropped'], 'dropped'],
    ['slow@deferred.sim.test', ['processed', 'deferred', 'delivered'], 'delivered'],
  ])('gives the magic address %s the events %j', async (to, names, outcome) => {
    await sender.sendBatch(batch([{ deliveryId: 'd-1', to }]));
    await fixture.settled();

    const all = events();
    expect(all.map((event) => event.event)).toEqual(names);
    expect(all.every((event) => event.delivery_id === 'd-1')).toBe(true);
    expect(await fixture.inbox(to)).toMatchObject([{ outcome }]);
    if (outcome === 'bounce') expect(all[1]).toMatchObject({ type: 'bounce', status: expect.stringMatching(/^5\./), reason: expect.any(String) });
    if (outcome === 'dropped') expect(all[0]).toMatchObject({ reason: 'Bounced Address' });
  });

  it('bounces by bounceRate, and sends categories as an array when there are several', async () => {
    await fixture.configure({ email: { bounceRate: 1 } });

    await sender.sendBatch(batch([{ deliveryId: 'd-1', to: 'an@example.be' }], ['bin-alert', 'urgent']));
    await fixture.settled();

    expect(events().map((event) => [event.event, event.category])).toEqual([
      ['processed', ['bin-alert', 'urgent']],
      ['bounce', ['bin-alert', 'urgent']],
    ]);
  });

  it('posts nothing while no Event Webhook URL is configured, and still records the statuses', async () => {
    await fixture.configure({ sendgridEventWebhookUrl: null });

    await sender.sendBatch(batch([{ deliveryId: 'd-1', to: 'an@example.be' }]));
    await fixture.settled();

    expect(receiver.requests).toEqual([]);
    expect(await fixture.inbox('an@example.be')).toMatchObject([{ outcome: 'delivered' }]);
  });

  it('uses a key pair whose public half is the one published for the tracker', () => {
    const derived = createPublicKey(createPrivateKey(SIMULATOR_EVENT_WEBHOOK_PRIVATE_KEY)).export({ type: 'spki', format: 'der' });

    expect(derived.toString('base64')).toBe(SIMULATOR_EVENT_WEBHOOK_PUBLIC_KEY);
    expect(SIMULATOR_EVENT_WEBHOOK_PUBLIC_KEY).toMatch(/^MFkw/);
  });

  function isSignedBySimulator(post: ReceivedRequest): boolean {
    return webhook.verifySignature(
      webhook.convertPublicKeyToECDSA(SIMULATOR_EVENT_WEBHOOK_PUBLIC_KEY),
      post.rawBody,
      String(post.headers['x-twilio-email-event-webhook-signature']),
      String(post.headers['x-twilio-email-event-webhook-timestamp']),
    );
  }

  it('a receiver slower than the events: every event of a large backlog is posted once, in order per recipient, signed, after its message left the inbox', async () => {
    const slow = await HoldingReceiver.start();
    try {
      // Batches of 2 events: 600 recipients make 600 batches, 256 hold every connection, the rest wait unwritten.
      await fixture.configure({ sendgridEventWebhookUrl: slow.url('/sendgrid/events'), email: { eventBatchSize: 2 }, retention: { messagesPerChannel: 10 } });
      const recipients = Array.from({ length: 600 }, (_, i) => ({ deliveryId: `d-${i}`, to: `member${i}@example.be` }));
      const accepted = await sender.sendBatch(batch(recipients));

      await slow.receivedCount(256);
      expect(slow.holding).toBe(256);
      expect(await fixture.inbox('member0@example.be')).toEqual([]);

      slow.release();
      await slow.receivedCount(600);
      await fixture.settled();
      const key = webhook.convertPublicKeyToECDSA(SIMULATOR_EVENT_WEBHOOK_PUBLIC_KEY);
      // The ECDSA check takes tens of ms in JS: the first batch held and the last that waited.
      for (const post of [slow.received[0], slow.received[599]]) {
        const signature = String(post.headers[EventWebhookHeader.SIGNATURE().toLowerCase()]);
        const timestamp = String(post.headers[EventWebhookHeader.TIMESTAMP().toLowerCase()]);
        expect(webhook.verifySignature(key, post.body, signature, timestamp)).toBe(true);
      }
      const all = slow.received.flatMap((post) => JSON.parse(post.body) as Event[]);
      expect(all).toHaveLength(1200);
      expect(new Set(all.map((event) => event.sg_event_id)).size).toBe(1200);
      recipients.forEach(({ deliveryId, to }, i) => {
        const mine = all.filter((event) => event.delivery_id === deliveryId);
        expect(mine.map((event) => event.event)).toEqual(['processed', 'delivered']);
        for (const event of mine) expect(event).toMatchObject({ email: to, sg_message_id: `${accepted.providerId}.filterdrecv-sim-${i + 1}-0.0`, category: 'bin-alert' });
      });
    } finally {
      await slow.close();
      await fixture.configure({ retention: { messagesPerChannel: 5_000 } });
    }
  });

  describe('retries, as SendGrid documents: any answer but 2xx, at growing intervals, for up to a day', () => {
    const recipients = [
      { deliveryId: 'd-1', to: 'an@example.be' },
      { deliveryId: 'd-2', to: 'bart@example.be' },
    ];
    afterEach(async () => {
      await fixture.configure({
        callbackRetry: { timeScale: 1, maxQueuedBytes: 64 * 1024 * 1024, sendgrid: { firstDelayMs: 30_000, maxDelayMs: 3_600_000, windowMs: 24 * 3_600_000 } },
      });
    });

    it('keeps posting while the receiver is down and delivers every event once it is back (a day compressed by timeScale)', async () => {
      // 30 s, 60 s, 120 s… at 1/1000: 30 ms, 60 ms, 120 ms.
      await fixture.configure({ callbackRetry: { timeScale: 1000 } });
      let down = true;
      receiver.respondWith(() => ({ status: down ? 503 : 200 }));

      await sender.sendBatch(batch(recipients));
      await receiver.until(() => receiver.on('/sendgrid/events').length >= 4, 5000, 'four refused posts');
      expect((await fixture.stats()).retryQueue.waiting).toBeGreaterThan(0);
      down = false;
      const stats = await fixture.settled();

      const delivered = receiver.on('/sendgrid/events').slice(-1)[0];
      expect(
        JSON.parse(delivered.rawBody.toString('utf8'))
          .map((e: Event) => `${e.delivery_id} ${e.event}`)
          .sort(),
      ).toEqual(['d-1 delivered', 'd-1 processed', 'd-2 delivered', 'd-2 processed']);
      expect(stats.email.callbacks).toMatchObject({ sent: 1, failed: 0, events: 4 });
      expect(stats.email.callbacks.retried).toBeGreaterThanOrEqual(3);
      // Intervals grow: each wait at least as long as the one before.
      const at = receiver.on('/sendgrid/events').map((r) => r.receivedAt);
      const waits = at.slice(1).map((t, i) => t - at[i]);
      expect(waits[2]).toBeGreaterThan(waits[0]);
      expect(stats.retryQueue).toMatchObject({ waiting: 0, waitingBytes: 0, overflowed: 0 });
    });

    it('retries a 4xx too, and gives the POST up when the window has passed', async () => {
      await fixture.configure({ callbackRetry: { sendgrid: { firstDelayMs: 20, maxDelayMs: 40, windowMs: 200 } } });
      receiver.respondWith(() => ({ status: 403 }));

      await sender.sendBatch(batch(recipients));
      const stats = await fixture.settled();

      // 20, 40, 40, 40, 40 ms: at most five retries fit in 200 ms (fewer when attempts are slow).
      const { retried } = stats.email.callbacks;
      expect(stats.email.callbacks).toMatchObject({ sent: 0, failed: 1 });
      expect(retried).toBeGreaterThanOrEqual(2);
      expect(retried).toBeLessThanOrEqual(5);
      expect(receiver.on('/sendgrid/events')).toHaveLength(retried + 1);
    });

    it('gives a POST up at once, and counts it, when the retry queue is full', async () => {
      await fixture.configure({ callbackRetry: { maxQueuedBytes: 100 } });
      receiver.respondWith(() => ({ status: 503 }));

      await sender.sendBatch(batch(recipients));
      const stats = await fixture.settled();

      expect(stats.email.callbacks).toMatchObject({ sent: 0, failed: 1, retried: 0 });
      expect(stats.retryQueue).toEqual({ waiting: 0, waitingBytes: 0, peakBytes: 0, overflowed: 1 });
    });
  });
});
