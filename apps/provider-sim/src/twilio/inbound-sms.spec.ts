import { createTwilioClient, ProviderError, TwilioSmsSender } from '@bin-alert/providers';
import twilio from 'twilio';
import { DEFAULT_SIM_CREDENTIALS } from '../sim-credentials';
import { rejectionOf, SIM_FROM_NUMBER, SimFixture, startSimFixture } from '../testing/sim-fixture';
import { WebhookReceiver } from '../testing/webhook-receiver';

const MEMBER = '+32470123456';

describe('inbound SMS and opt-out keywords', () => {
  let fixture: SimFixture;
  let receiver: WebhookReceiver;
  let sender: TwilioSmsSender;

  beforeAll(async () => {
    fixture = await startSimFixture();
    receiver = await WebhookReceiver.start();
    sender = new TwilioSmsSender(fixture.settings.twilio);
  });
  afterAll(async () => {
    await fixture.sim.close();
    await receiver.close();
  });
  beforeEach(async () => {
    await fixture.clear();
    await fixture.configure({ twilioInboundSmsUrl: receiver.url('/twilio/inbound?zone=aalst') });
    receiver.reset();
  });

  async function reply(body: string, from = MEMBER, to = SIM_FROM_NUMBER) {
    const response = await fetch(`${fixture.sim.url}/__sim/inbound-sms`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ from, to, body }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('posts the reply to the inbound URL, signed, and answers with what the webhook replied', async () => {
    receiver.respondWith(() => ({ status: 200, contentType: 'text/xml', body: '<Response/>' }));

    const answer = await reply('Stop');

    const [inbound] = receiver.on('/twilio/inbound');
    expect(inbound.form).toEqual({
      AccountSid: DEFAULT_SIM_CREDENTIALS.twilioAccountSid,
      ApiVersion: '2010-04-01',
      MessageSid: expect.stringMatching(/^SM[0-9a-f]{32}$/),
      SmsSid: inbound.form.MessageSid,
      SmsMessageSid: inbound.form.MessageSid,
      From: MEMBER,
      To: SIM_FROM_NUMBER,
      Body: 'Stop',
      NumMedia: '0',
      NumSegments: '1',
      SmsStatus: 'received',
      OptOutType: 'STOP',
    });
    const url = receiver.url('/twilio/inbound?zone=aalst');
    expect(twilio.validateRequest(DEFAULT_SIM_CREDENTIALS.twilioAuthToken, String(inbound.headers['x-twilio-signature']), url, inbound.form)).toBe(true);
    expect(answer).toEqual({
      status: 200,
      body: {
        messageSid: inbound.form.MessageSid,
        optOutType: 'STOP',
        optedOut: true,
        webhook: { url, status: 200, contentType: 'text/xml', body: '<Response/>' },
      },
    });
  });

  it('refuses later sends from that number with 21610 (terminal recipient_unsubscribed) until START', async () => {
    await reply('STOP');

    const error = await rejectionOf(sender.send({ deliveryId: 'd-1', to: MEMBER, body: 'BIN: inbraak' }));

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'terminal', reason: 'recipient_unsubscribed', code: '21610', httpStatus: 400 });
    expect(await fixture.inbox(MEMBER)).toEqual([]);
    expect((await fixture.stats()).sms.rejected).toEqual({ 21610: 1 });

    expect((await reply('start')).body).toMatchObject({ optOutType: 'START', optedOut: false });
    await expect(sender.send({ deliveryId: 'd-2', to: MEMBER, body: 'BIN: inbraak' })).resolves.toMatchObject({ providerId: expect.any(String) });
  });

  it('blocks only for the sender the STOP was sent to', async () => {
    await reply('UNSUBSCRIBE', MEMBER, '+32460200999');

    await expect(sender.send({ deliveryId: 'd-1', to: MEMBER, body: 'x' })).resolves.toBeDefined();
    const other = createTwilioClient(fixture.settings.twilio);
    await expect(other.messages.create({ to: MEMBER, from: '+32460200999', body: 'x' })).rejects.toMatchObject({ status: 400, code: 21610 });
  });

  it('shows refused sends only when asked, with rejectedWith', async () => {
    await reply('stop');
    await rejectionOf(sender.send({ deliveryId: 'd-1', to: MEMBER, body: 'x' }));

    const response = await fetch(`${fixture.sim.url}/__sim/inbox?to=${encodeURIComponent(MEMBER)}&includeRejected=true`);

    expect(((await response.json()) as { messages: unknown[] }).messages).toEqual([
      expect.objectContaining({ id: '', to: MEMBER, body: 'x', rejectedWith: { status: 400, code: 21610, message: expect.any(String) } }),
    ]);
  });

  it.each([
    ['HELP', 'HELP'],
    [' info ', 'HELP'],
    ['Quit', 'STOP'],
    ['stop please', 'none'],
    ['Ik heb iets verdachts gezien', 'none'],
  ])('marks %j with OptOutType %s', async (body, type) => {
    await reply(body);

    expect(receiver.on('/twilio/inbound')[0].form.OptOutType ?? 'none').toBe(type);
  });

  it('still applies STOP when no inbound URL is configured, answering webhook null', async () => {
    await fixture.configure({ twilioInboundSmsUrl: null });

    expect((await reply('STOP')).body).toMatchObject({ optOutType: 'STOP', optedOut: true, webhook: null });
    await expect(sender.send({ deliveryId: 'd-1', to: MEMBER, body: 'x' })).rejects.toMatchObject({ code: '21610' });
  });

  it('forgets opt-outs on DELETE /__sim/messages', async () => {
    await reply('STOP');

    await fixture.clear();

    await expect(sender.send({ deliveryId: 'd-1', to: MEMBER, body: 'x' })).resolves.toBeDefined();
  });

  it('refuses a malformed request with 400 naming the field', async () => {
    const answer = await reply('STOP', '0470123456');

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ errors: [{ field: 'from', reason: expect.stringContaining('E.164') }] });
  });
});
