import { ProviderError, SIMULATOR_TWILIO_SECOND, TwilioSmsSender } from '@bin-alert/providers';
import twilio from 'twilio';
import { DEFAULT_SECOND_TWILIO_ACCOUNT, DEFAULT_SIM_CREDENTIALS } from '../sim-credentials';
import { SIM_FROM_NUMBER, SimFixture, startSimFixture } from '../testing/sim-fixture';
import { WebhookReceiver } from '../testing/webhook-receiver';

const SECOND_FROM = '+32460200200';

/** The simulator plays two Twilio accounts for a second SMS route (ADR 0033). */
describe('a second Twilio account', () => {
  let fixture: SimFixture;
  let receiver: WebhookReceiver;
  let first: TwilioSmsSender;
  let second: TwilioSmsSender;

  beforeAll(async () => {
    fixture = await startSimFixture({ callbackDelayMs: { min: 0, max: 2 } });
    receiver = await WebhookReceiver.start();
    first = new TwilioSmsSender(fixture.settings.twilio);
    second = new TwilioSmsSender({ ...SIMULATOR_TWILIO_SECOND, fromNumber: SECOND_FROM, apiBaseUrl: fixture.sim.url });
  });
  afterAll(async () => {
    await fixture.sim.close();
    await receiver.close();
  });
  beforeEach(async () => {
    await fixture.reset();
    receiver.reset();
  });

  it('is the account libs/providers points a second route at', () => {
    expect(SIMULATOR_TWILIO_SECOND).toEqual(DEFAULT_SECOND_TWILIO_ACCOUNT);
  });

  it('has fault settings of its own: the first account fails with 500 while the second sends', async () => {
    await fixture.configure({ sms: { errorRates: { '20500': 1 } } });
    await expect(first.send({ deliveryId: 'd1', to: '+32470123456', body: 'Vermist: Jan' })).rejects.toMatchObject({
      httpStatus: 500,
      reason: 'provider_unavailable_500',
    } satisfies Partial<ProviderError>);
    await expect(second.send({ deliveryId: 'd1', to: '+32470123456', body: 'Vermist: Jan' })).resolves.toMatchObject({ providerId: expect.stringMatching(/^SM/) });

    await fixture.configure({ sms: { errorRates: { '20500': 0 } }, secondTwilioAccount: { sms: { errorRates: { '20503': 1 } } } });
    await expect(second.send({ deliveryId: 'd2', to: '+32470123457', body: 'Vermist: Jan' })).rejects.toMatchObject({ httpStatus: 503 });
    await expect(first.send({ deliveryId: 'd2', to: '+32470123457', body: 'Vermist: Jan' })).resolves.toBeDefined();
  });

  it('signs its status callbacks with its own auth token and names itself in them', async () => {
    const statusCallback = receiver.url('/twilio/sms-status?deliveryId=d-2');
    await second.send({ deliveryId: 'd-2', to: '+32470123456', body: 'Vermist: Jan', statusCallbackUrl: statusCallback });
    const [sent] = await receiver.waitFor('/twilio/sms-status', 2);
    expect(sent.form).toMatchObject({ AccountSid: DEFAULT_SECOND_TWILIO_ACCOUNT.accountSid, From: SECOND_FROM });
    const signature = String(sent.headers['x-twilio-signature']);
    expect(twilio.validateRequest(DEFAULT_SECOND_TWILIO_ACCOUNT.authToken, signature, statusCallback, sent.form)).toBe(true);
    expect(twilio.validateRequest(DEFAULT_SIM_CREDENTIALS.twilioAuthToken, signature, statusCallback, sent.form)).toBe(false);
  });

  it('lists only its own messages to an in-doubt lookup', async () => {
    const since = new Date(Date.now() - 60_000);
    await first.send({ deliveryId: 'd1', to: '+32470123456', body: 'Vermist: Jan' });
    expect(await second.listSent({ to: '+32470123456', since })).toEqual([]);
    expect(await first.listSent({ to: '+32470123456', since })).toEqual([{ sid: expect.any(String), body: 'Vermist: Jan' }]);
  });

  it('refuses the second account’s SID with the first account’s token', async () => {
    const mixed = new TwilioSmsSender({
      accountSid: DEFAULT_SECOND_TWILIO_ACCOUNT.accountSid,
      authToken: DEFAULT_SIM_CREDENTIALS.twilioAuthToken,
      fromNumber: SIM_FROM_NUMBER,
      apiBaseUrl: fixture.sim.url,
    });
    await expect(mixed.send({ deliveryId: 'd1', to: '+32470123456', body: 'x' })).rejects.toMatchObject({ httpStatus: 401 });
  });
});
