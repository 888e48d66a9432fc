import { ProviderError, SendGridEmailSender, TwilioSmsSender, TwilioVoiceCaller } from '@bin-alert/providers';
import { DEFAULT_SIM_CREDENTIALS } from '../sim-credentials';
import { rejectionOf, SimFixture, startSimFixture } from '../testing/sim-fixture';

describe('rate limits, 429 storms and latency', () => {
  let fixture: SimFixture;
  let sms: TwilioSmsSender;
  let voice: TwilioVoiceCaller;
  let email: SendGridEmailSender;

  const mail = (deliveryId: string) => ({
    subject: 'BIN',
    text: 't',
    html: '<p>t</p>',
    recipients: [{ deliveryId, to: `${deliveryId}@example.be` }],
  });

  beforeAll(async () => {
    fixture = await startSimFixture();
    sms = new TwilioSmsSender(fixture.settings.twilio);
    voice = new TwilioVoiceCaller(fixture.settings.twilio);
    email = new SendGridEmailSender(fixture.settings.sendgrid);
  });
  afterAll(() => fixture.sim.close());
  beforeEach(async () => {
    await fixture.reset();
  });

  it('answers Twilio Messages above the limit with 429 / 20429, a retryable rate_limited error', async () => {
    await fixture.configure({ rateLimit: { twilioMessages: 2 } });

    // Together, so that all three fall in the same second however slow the machine is.
    const outcomes = await Promise.allSettled(['+32470123456', '+32470123457', '+32470123458'].map((to, i) => sms.send({ deliveryId: `d-${i}`, to, body: 'inbraak' })));

    const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(refused).toHaveLength(1);
    const error: unknown = refused[0].reason;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'retryable', reason: 'rate_limited', code: '20429', httpStatus: 429 });
    const stats = await fixture.stats();
    expect(stats.sms).toMatchObject({ accepted: 2, rateLimited: 1 });
    expect(await fixture.messages('sms')).toHaveLength(2);
  });

  it('answers SendGrid above the limit with its 429 body and X-RateLimit headers', async () => {
    await fixture.configure({ rateLimit: { sendgridMail: 1 } });
    await email.sendBatch(mail('d-1'));

    const error = await rejectionOf(email.sendBatch(mail('d-2')));
    expect(error).toMatchObject({ kind: 'retryable', reason: 'rate_limited', httpStatus: 429 });

    const response = await fetch(`${fixture.sim.url}/v3/mail/send`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${DEFAULT_SIM_CREDENTIALS.sendgridApiKey}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(429);
    expect(await response.json()).toEqual({ errors: [{ field: null, message: 'too many requests' }] });
    expect(response.headers.get('x-ratelimit-limit')).toBe('1');
    expect(response.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(response.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('answers the next N requests of one API with 429 in a storm, then recovers; other APIs are untouched', async () => {
    await fixture.configure({ burst429: { api: 'twilioCalls', count: 2 } });

    const first = await rejectionOf(voice.call({ deliveryId: 'd-1', to: '+32470123456', answer: { twiml: '<Response/>' } }));
    await expect(sms.send({ deliveryId: 'd-2', to: '+32470123456', body: 'sms gaat door' })).resolves.toBeDefined();
    const second = await rejectionOf(voice.call({ deliveryId: 'd-1', to: '+32470123456', answer: { twiml: '<Response/>' } }));
    const third = await voice.call({ deliveryId: 'd-1', to: '+32470123456', answer: { twiml: '<Response/>' } });

    expect([first, second]).toEqual([
      expect.objectContaining({ kind: 'retryable', reason: 'rate_limited', httpStatus: 429 }),
      expect.objectContaining({ kind: 'retryable', reason: 'rate_limited', httpStatus: 429 }),
    ]);
    expect(third.providerId).toMatch(/^CA/);
    const config = (await (await fetch(`${fixture.sim.url}/__sim/config`)).json()) as { burst429: unknown };
    expect(config.burst429).toBeNull();
    expect((await fixture.stats()).voice.rateLimited).toBe(2);
  });

  it('delays API answers by latencyMs', async () => {
    await fixture.configure({ latencyMs: { min: 40, max: 40 } });

    const started = Date.now();
    await sms.send({ deliveryId: 'd-1', to: '+32470123456', body: 'traag' });

    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
  });

  it('refuses valid requests by errorRates with the configured code, counted per code', async () => {
    await fixture.configure({ sms: { errorRates: { 21612: 1 } } });

    const error = await rejectionOf(sms.send({ deliveryId: 'd-1', to: '+32470123456', body: 'x' }));

    expect(error).toMatchObject({ kind: 'terminal', reason: 'unreachable_carrier', code: '21612', httpStatus: 400 });
    expect((await fixture.stats()).sms.rejected).toEqual({ 21612: 1 });
  });

  it('injects provider 5xx through errorRates as retryable', async () => {
    await fixture.configure({ voice: { errorRates: { 20503: 1 } } });

    const error = await rejectionOf(voice.call({ deliveryId: 'd-1', to: '+32470123456', answer: { twiml: '<Response/>' } }));

    expect(error).toMatchObject({ kind: 'retryable', reason: 'provider_unavailable_503', httpStatus: 503 });
  });
});
