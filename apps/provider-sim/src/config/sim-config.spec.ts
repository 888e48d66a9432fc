import { SimFixture, startSimFixture } from '../testing/sim-fixture';
import { DEFAULT_SIM_CONFIG } from './sim-config';
import { resolveStartupConfig } from './startup-config';

describe('simulator config API', () => {
  let fixture: SimFixture;

  beforeAll(async () => {
    fixture = await startSimFixture({ seed: 7 });
  });
  afterAll(() => fixture.sim.close());
  beforeEach(() => fixture.reset());

  async function put(body: unknown) {
    const response = await fetch(`${fixture.sim.url}/__sim/config`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  const current = async () => (await (await fetch(`${fixture.sim.url}/__sim/config`)).json()) as typeof DEFAULT_SIM_CONFIG;

  it('returns the effective config: defaults plus what the simulator was started with', async () => {
    expect(await current()).toEqual({ ...DEFAULT_SIM_CONFIG, seed: 7 });
  });

  it('merges partial updates field by field, and error rates code by code (0 removes one)', async () => {
    await put({ sms: { undeliveredRate: 0.2, errorRates: { 21612: 0.1, 21614: 0.05 } } });
    const { status, body } = await put({ sms: { outOfOrderRate: 0.5, errorRates: { 21614: 0 } }, rateLimit: { twilioCalls: 1 } });

    expect(status).toBe(200);
    expect(body).toMatchObject({
      sms: { undeliveredRate: 0.2, outOfOrderRate: 0.5, failedRate: 0, errorRates: { 21612: 0.1 } },
      rateLimit: { twilioCalls: 1, twilioMessages: null, sendgridMail: null },
    });
    expect(await current()).toEqual(body);
  });

  it.each([
    [{ sms: { undeliveredRate: 1.5 } }, 'sms.undeliveredRate'],
    [{ sms: { undeliverdRate: 0.1 } }, 'sms.undeliverdRate'],
    [{ colour: 'blue' }, 'colour'],
    [{ latencyMs: { min: 50, max: 10 } }, 'latencyMs'],
    [{ voice: { noAnswerRate: 0.6, busyRate: 0.6 } }, 'voice.noAnswerRate+busyRate+failedRate+machineRate'],
    [{ sms: { errorRates: { '2161': 0.1 } } }, 'sms.errorRates.2161'],
    [{ rateLimit: { twilioMessages: 0 } }, 'rateLimit.twilioMessages'],
    [{ burst429: { api: 'fax', count: 3 } }, 'burst429.api'],
    [{ sendgridEventWebhookUrl: 'ftp://tracker/events' }, 'sendgridEventWebhookUrl'],
    [{ seed: -1 }, 'seed'],
    [{ retention: { messagesPerChannel: 0 } }, 'retention.messagesPerChannel'],
    [{ retention: { messagesPerAddress: 20.5 } }, 'retention.messagesPerAddress'],
    [[], 'body'],
  ])('refuses %j with 400 naming %s, and changes nothing', async (patch, field) => {
    const { status, body } = await put(patch);

    expect(status).toBe(400);
    expect(body).toMatchObject({ statusCode: 400, message: 'The simulator config is invalid.', errors: expect.arrayContaining([expect.objectContaining({ field })]) });
    expect(await current()).toEqual({ ...DEFAULT_SIM_CONFIG, seed: 7 });
  });

  it('refuses a whole patch when one field is wrong', async () => {
    expect((await put({ sms: { undeliveredRate: 0.2 }, voice: { busyRate: 2 } })).status).toBe(400);

    expect((await current()).sms.undeliveredRate).toBe(0);
  });

  it('keeps the config on DELETE /__sim/messages; POST /__sim/reset returns to the startup config', async () => {
    await put({ email: { bounceRate: 0.3 }, twilioInboundSmsUrl: 'http://127.0.0.1:9/inbound' });

    await fixture.clear();
    expect((await current()).email.bounceRate).toBe(0.3);

    const reset = await fetch(`${fixture.sim.url}/__sim/reset`, { method: 'POST' });
    expect(reset.status).toBe(200);
    expect(await reset.json()).toEqual({ ...DEFAULT_SIM_CONFIG, seed: 7 });
  });

  it('reads the startup config from SIM_CONFIG and the single-purpose variables, then the start options', () => {
    const config = resolveStartupConfig(
      { voice: { busyRate: 0.1 } },
      {
        SIM_CONFIG: '{"sms":{"undeliveredRate":0.05},"seed":3}',
        SIM_SEED: '42',
        SIM_SENDGRID_EVENT_WEBHOOK_URL: 'http://127.0.0.1:3005/webhooks/sendgrid/events',
      },
    );

    expect(config).toMatchObject({
      seed: 42,
      sms: { undeliveredRate: 0.05 },
      voice: { busyRate: 0.1 },
      sendgridEventWebhookUrl: 'http://127.0.0.1:3005/webhooks/sendgrid/events',
      twilioInboundSmsUrl: null,
    });
  });

  it('refuses to start with a bad environment, naming the field', () => {
    expect(() => resolveStartupConfig(undefined, { SIM_SEED: 'abc' })).toThrow(/seed/);
    expect(() => resolveStartupConfig(undefined, { SIM_CONFIG: '{"sms":{"failedRate":7}}' })).toThrow(/sms\.failedRate/);
    expect(() => resolveStartupConfig(undefined, { SIM_CONFIG: 'not json' })).toThrow(/SIM_CONFIG/);
  });
});
