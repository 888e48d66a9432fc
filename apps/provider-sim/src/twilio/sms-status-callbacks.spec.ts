import { createTwilioClient, TwilioClient } from '@bin-alert/providers';
import twilio from 'twilio';
import { DEFAULT_SIM_CREDENTIALS } from '../sim-credentials';
import { HoldingReceiver } from '../testing/holding-receiver';
import { SIM_FROM_NUMBER, SimFixture, startSimFixture } from '../testing/sim-fixture';
import { ReceivedRequest, WebhookReceiver } from '../testing/webhook-receiver';

const TOKEN = DEFAULT_SIM_CREDENTIALS.twilioAuthToken;

describe('Twilio SMS status callbacks', () => {
  let fixture: SimFixture;
  let receiver: WebhookReceiver;
  let client: TwilioClient;

  beforeAll(async () => {
    fixture = await startSimFixture({ callbackDelayMs: { min: 0, max: 2 } });
    receiver = await WebhookReceiver.start();
    client = createTwilioClient(fixture.settings.twilio);
  });
  afterAll(async () => {
    await fixture.sim.close();
    await receiver.close();
  });
  beforeEach(async () => {
    await fixture.clear();
    await fixture.configure({ sms: { outOfOrderRate: 0, undeliveredRate: 0 } });
    receiver.reset();
  });

  const send = (to: string, statusCallback: string) => client.messages.create({ to, from: SIM_FROM_NUMBER, body: 'BIN Aalst: inbraak Kerkstraat', statusCallback });

  it('posts sent then delivered, signed over the StatusCallback URL exactly as given', async () => {
    const statusCallback = receiver.url('/twilio/sms-status?delivery=d-1');

    const message = await send('+32470123456', statusCallback);

    const [sent, delivered] = await receiver.waitFor('/twilio/sms-status', 2);
    expect(sent.form).toEqual({
      AccountSid: DEFAULT_SIM_CREDENTIALS.twilioAccountSid,
      ApiVersion: '2010-04-01',
      From: SIM_FROM_NUMBER,
      To: '+32470123456',
      MessageSid: message.sid,
      SmsSid: message.sid,
      MessageStatus: 'sent',
      SmsStatus: 'sent',
    });
    expect(delivered.form).toMatchObject({ MessageStatus: 'delivered', SmsStatus: 'delivered', RawDlrDoneDate: expect.stringMatching(/^\d{10}$/) });
    expect(delivered.form.ErrorCode).toBeUndefined();
    for (const callback of [sent, delivered]) {
      expect(callback.path).toBe('/twilio/sms-status?delivery=d-1');
      expect(callback.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(isSignedByTwilio(callback, statusCallback)).toBe(true);
    }
    expect(sent.headers['i-twilio-idempotency-token']).not.toEqual(delivered.headers['i-twilio-idempotency-token']);

    await fixture.settled();
    const [recorded] = await fixture.inbox('+32470123456');
    expect(recorded).toMatchObject({ outcome: 'delivered', statuses: [{ status: 'sent' }, { status: 'delivered' }] });
  });

  it('posts the callbacks of successive messages over one kept-alive connection, each its own request', async () => {
    for (const to of ['+32470123456', '+32470123457', '+32470123458']) {
      const before = receiver.on('/twilio/sms-status').length;
      await send(to, receiver.url('/twilio/sms-status'));
      await receiver.waitFor('/twilio/sms-status', before + 2);
    }

    const callbacks = receiver.on('/twilio/sms-status');
    expect(callbacks).toHaveLength(6);
    expect(new Set(callbacks.map((callback) => callback.remotePort)).size).toBe(1);
  });

  it('a signature checked against another URL or token fails', async () => {
    const statusCallback = receiver.url('/twilio/sms-status');
    await send('+32470123456', statusCallback);

    const [sent] = await receiver.waitFor('/twilio/sms-status', 1);

    const signature = String(sent.headers['x-twilio-signature']);
    expect(twilio.validateRequest('wrong-token', signature, statusCallback, sent.form)).toBe(false);
    expect(twilio.validateRequest(TOKEN, signature, receiver.url('/elsewhere'), sent.form)).toBe(false);
  });

  it('posts delivered before sent when outOfOrderRate is 1', async () => {
    await fixture.configure({ sms: { outOfOrderRate: 1 } });

    await send('+32470123456', receiver.url('/twilio/sms-status'));

    const callbacks = await receiver.waitFor('/twilio/sms-status', 2);
    expect(callbacks.map((callback) => callback.form.MessageStatus)).toEqual(['delivered', 'sent']);
    await fixture.settled();
    const [recorded] = await fixture.inbox('+32470123456');
    // The terminal status stays the outcome even though `sent` came last.
    expect(recorded).toMatchObject({ outcome: 'delivered', statuses: [{ status: 'delivered' }, { status: 'sent' }] });
  });

  it.each([
    ['+32470990012', 30003],
    ['+32470990177', 30005],
    ['+32470990250', 30006],
  ])('reports %s (magic range) undelivered with ErrorCode %i, whatever the rates', async (to, code) => {
    const message = await send(to, receiver.url('/twilio/sms-status'));

    const callbacks = await receiver.waitFor('/twilio/sms-status', 2);
    expect(callbacks.map((callback) => callback.form.MessageStatus)).toEqual(['sent', 'undelivered']);
    expect(callbacks[1].form).toMatchObject({ MessageSid: message.sid, ErrorCode: String(code), SmsStatus: 'undelivered' });
    await fixture.settled();
    expect(await fixture.inbox(to)).toMatchObject([{ outcome: 'undelivered', errorCode: code }]);
  });

  it('posts delivered before sent for the out-of-order magic range, whatever outOfOrderRate', async () => {
    await send('+32470990404', receiver.url('/twilio/sms-status'));

    const callbacks = await receiver.waitFor('/twilio/sms-status', 2);
    expect(callbacks.map((callback) => callback.form.MessageStatus)).toEqual(['delivered', 'sent']);
  });

  it('reports the failed magic range with failed / 30001 and no sent', async () => {
    await send('+32470990301', receiver.url('/twilio/sms-status'));

    const [failed] = await receiver.waitFor('/twilio/sms-status', 1);
    await fixture.settled();

    expect(receiver.on('/twilio/sms-status')).toHaveLength(1);
    expect(failed.form).toMatchObject({ MessageStatus: 'failed', ErrorCode: '30001' });
  });

  it('draws undelivered from undeliveredRate with one of 30003, 30005, 30006', async () => {
    await fixture.configure({ sms: { undeliveredRate: 1 } });

    await send('+32470123456', receiver.url('/twilio/sms-status'));

    const [, terminal] = await receiver.waitFor('/twilio/sms-status', 2);
    expect(terminal.form.MessageStatus).toBe('undelivered');
    expect(['30003', '30005', '30006']).toContain(terminal.form.ErrorCode);
  });

  it("retries a callback answered 500 as far as its URL's connection overrides ask, without sending or signing the fragment", async () => {
    let calls = 0;
    receiver.respondWith(() => ({ status: ++calls <= 2 ? 500 : 200 }));
    const statusCallback = receiver.url('/twilio/sms-status?delivery=d-1');

    await send('+32470123456', `${statusCallback}#rc=2&rp=5xx&tt=600`);

    // sent (500), delivered (500), then each retried once (200): the second status does not wait for the first's retries.
    const received = await receiver.waitFor('/twilio/sms-status', 4);
    const stats = await fixture.settled();
    expect(stats.sms.callbacks).toEqual({ sent: 2, failed: 0, retried: 2 });
    for (const callback of received) {
      expect(callback.path).toBe('/twilio/sms-status?delivery=d-1');
      expect(isSignedByTwilio(callback, statusCallback)).toBe(true);
    }
    // The retry comes tt / (rc + 1) = 200 ms after the first attempt: within the total time the overrides allow.
    const sent = received.filter((r) => r.form.MessageStatus === 'sent').map((r) => r.receivedAt);
    expect(sent).toHaveLength(2);
    expect(sent[1] - sent[0]).toBeGreaterThanOrEqual(150);
    expect(sent[1] - sent[0]).toBeLessThan(600);
    expect(stats.retryQueue).toMatchObject({ waiting: 0, waitingBytes: 0, overflowed: 0 });
    expect(stats.retryQueue.peakBytes).toBeGreaterThan(0);
  });

  it('does not retry a callback answered 500 when the URL asks nothing: Twilio retries once, and only a failed connection, by default', async () => {
    receiver.respondWith(() => ({ status: 500 }));

    await send('+32470123456', receiver.url('/twilio/sms-status'));
    const stats = await fixture.settled();

    expect(stats.sms.callbacks).toEqual({ sent: 0, failed: 2, retried: 0 });
  });

  it('gives up on an unreachable callback URL after the retries its overrides ask, and keeps serving', async () => {
    const gone = await WebhookReceiver.start();
    const url = gone.url('/twilio/sms-status');
    await gone.close();

    await send('+32470123456', `${url}#rc=2&tt=300`);
    const stats = await fixture.settled();

    expect(stats.sms.callbacks).toEqual({ sent: 0, failed: 2, retried: 4 });
    await expect(send('+32470123456', receiver.url('/twilio/sms-status'))).resolves.toMatchObject({ status: 'queued' });
  });

  it('does not retry a callback refused with 403 unless rp asks for 4xx', async () => {
    receiver.respondWith(() => ({ status: 403 }));

    await send('+32470123456', `${receiver.url('/twilio/sms-status')}#rc=5&rp=5xx,ct,rt&tt=300`);
    const stats = await fixture.settled();

    expect(stats.sms.callbacks).toEqual({ sent: 0, failed: 2, retried: 0 });
  });

  it('posts each callback once when retries are switched off (a benchmark without a receiver)', async () => {
    const gone = await WebhookReceiver.start();
    const url = gone.url('/twilio/sms-status');
    await gone.close();
    await fixture.configure({ callbackRetry: { enabled: false } });
    try {
      await send('+32470123456', `${url}#rc=5&rp=all&tt=300`);
      const stats = await fixture.settled();
      expect(stats.sms.callbacks).toEqual({ sent: 0, failed: 2, retried: 0 });
    } finally {
      await fixture.configure({ callbackRetry: { enabled: true } });
    }
  });

  it('records statuses without posting anything when no StatusCallback is given', async () => {
    await client.messages.create({ to: '+32470123456', from: SIM_FROM_NUMBER, body: 'zonder callback' });

    await fixture.settled();

    expect(receiver.requests).toEqual([]);
    expect(await fixture.inbox('+32470123456')).toMatchObject([{ outcome: 'delivered', statuses: [{ status: 'sent' }, { status: 'delivered' }] }]);
  });

  it('a receiver slower than the messages: their callbacks wait their turn and still arrive each in order, signed', async () => {
    const slow = await HoldingReceiver.start();
    try {
      const statusCallback = slow.url('/twilio/sms-status');
      const recipients = Array.from({ length: 300 }, (_, i) => `+3247${String(1_000_000 + i).padStart(7, '0')}`);
      const messages = await Promise.all(recipients.map((to) => send(to, statusCallback)));

      // 256 `sent` callbacks hold every connection to the receiver; the other 44 wait as records.
      await slow.receivedCount(256);
      expect((await fixture.stats()).pendingCallbacks).toBe(300);
      expect(slow.holding).toBe(256);

      slow.release();
      await slow.receivedCount(600);
      await fixture.settled();
      for (const message of messages) {
        const callbacks = slow.received.filter((r) => r.form.MessageSid === message.sid);
        expect(callbacks.map((r) => r.form.MessageStatus)).toEqual(['sent', 'delivered']);
        for (const callback of callbacks) expect(twilio.validateRequest(TOKEN, String(callback.headers['x-twilio-signature']), statusCallback, callback.form)).toBe(true);
      }
    } finally {
      await slow.close();
    }
  });
});

function isSignedByTwilio(request: ReceivedRequest, url: string): boolean {
  return twilio.validateRequest(TOKEN, String(request.headers['x-twilio-signature']), url, request.form);
}
