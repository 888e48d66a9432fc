import { SendGridEmailSender, TwilioSmsSender, TwilioVoiceCaller } from '@bin-alert/providers';
import { rejectionOf, SimFixture, startSimFixture } from '../testing/sim-fixture';
import { WebhookReceiver } from '../testing/webhook-receiver';

describe('GET /__sim/stats', () => {
  let fixture: SimFixture;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    fixture = await startSimFixture({ callbackDelayMs: { min: 0, max: 1 } });
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await fixture.sim.close();
    await receiver.close();
  });
  beforeEach(() => fixture.clear());

  it('counts accepted, duplicates, refusals by code and callbacks per channel', async () => {
    await fixture.configure({ sendgridEventWebhookUrl: receiver.url('/events') });
    const sms = new TwilioSmsSender(fixture.settings.twilio);
    const voice = new TwilioVoiceCaller(fixture.settings.twilio);
    const email = new SendGridEmailSender(fixture.settings.sendgrid);
    const mail = (recipients: Array<{ deliveryId: string; to: string }>) => ({ subject: 'BIN', text: 't', html: '<p>t</p>', recipients });

    await sms.send({ deliveryId: 'd-1', to: '+32470123456', body: 'inbraak' });
    await sms.send({ deliveryId: 'd-1', to: '+32470123456', body: 'inbraak' });
    await sms.send({ deliveryId: 'd-2', to: '+32470123457', body: 'inbraak' });
    await rejectionOf(sms.send({ deliveryId: 'd-3', to: '+3253123456', body: 'inbraak' }));
    await voice.call({ deliveryId: 'd-4', to: '+32470123456', answer: { twiml: '<Response/>' } });
    await email.sendBatch(
      mail([
        { deliveryId: 'e-1', to: 'an@example.be' },
        { deliveryId: 'e-2', to: 'bart@example.be' },
      ]),
    );
    await email.sendBatch(mail([{ deliveryId: 'e-1', to: 'an@example.be' }]));
    const stats = await fixture.settled();

    expect(stats).toEqual({
      sms: { accepted: 3, duplicates: 1, rejected: { 21614: 1 }, rateLimited: 0, callbacks: { sent: 0, failed: 0, retried: 0 } },
      voice: { accepted: 1, duplicates: 0, rejected: {}, rateLimited: 0, callbacks: { sent: 0, failed: 0, retried: 0 } },
      email: {
        accepted: 3,
        requests: 2,
        duplicates: 1,
        rejected: {},
        rateLimited: 0,
        callbacks: { sent: expect.any(Number), failed: 0, retried: 0, events: 6 },
      },
      inboundSms: { sent: 0, failed: 0, retried: 0 },
      pendingCallbacks: 0,
      retryQueue: { waiting: 0, waitingBytes: 0, peakBytes: 0, overflowed: 0 },
    });
  });

  it('starts from zero again after DELETE /__sim/messages', async () => {
    await new TwilioSmsSender(fixture.settings.twilio).send({ deliveryId: 'd-1', to: '+32470123456', body: 'x' });

    await fixture.clear();

    expect((await fixture.stats()).sms.accepted).toBe(0);
  });
});
