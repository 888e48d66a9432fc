import { EmailBatch, SendGridEmailSender } from '@bin-alert/providers';
import { EventWebhook, EventWebhookHeader } from '@sendgrid/eventwebhook';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import {
  SIMULATOR_EVENT_WEBHOOK_PRIVATE_KEY,
  SIMULATOR_EVENT_WEBHOOK_PUBLIC_KEY,
} from '../../../../libs/providers/src/sendgrid/simulator-webhook-keys';
import { SimFixture, startSimFixture } from '../testing/sim-fixture';
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
    await sender.sendBatch(batch([{ deliveryId: 'd-1', to: 'an@example.be' }, { deliveryId: 'd-2', to: 'bart@example.be' }]));
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
});
