import { DEFAULT_SIM_CREDENTIALS } from '../sim-credentials';
import { SimFixture, startSimFixture } from '../testing/sim-fixture';

/** The checks the SDK cannot reach (it refuses a missing `to` itself), over plain HTTP. */
describe('Twilio synchronous validation', () => {
  let fixture: SimFixture;
  const { twilioAccountSid: sid, twilioAuthToken: token } = DEFAULT_SIM_CREDENTIALS;

  beforeAll(async () => {
    fixture = await startSimFixture();
  });
  afterAll(() => fixture.sim.close());
  beforeEach(() => fixture.clear());

  async function post(resource: 'Messages' | 'Calls', form: Record<string, string>, auth = `${sid}:${token}`, account = sid) {
    const response = await fetch(`${fixture.sim.url}/2010-04-01/Accounts/${account}/${resource}.json`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(auth).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(form).toString(),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it.each([
    [{ From: '+32460200100', Body: 'x' }, 21604],
    [{ To: '+32470123456', Body: 'x' }, 21603],
    [{ To: '+32470123456', From: '+32460200100' }, 21602],
    [{ To: '+32470123456', From: '+32460200100', Body: 'x'.repeat(1601) }, 21617],
    [{ To: '0470123456', From: '+32460200100', Body: 'x' }, 21211],
    [{ To: '+32470123456', From: '+32460200100', Body: 'x', StatusCallback: '/relative/callback' }, 21609],
  ])('Messages %j → 400 / %i in the legacy error shape', async (form, code) => {
    const { status, body } = await post('Messages', form);

    expect(status).toBe(400);
    expect(body).toEqual({ code, message: expect.any(String), more_info: `https://www.twilio.com/docs/errors/${code}`, status: 400 });
  });

  it('answers 201 with the documented Message fields', async () => {
    const { status, body } = await post('Messages', { To: '+32470123456', From: '+32460200100', Body: 'x'.repeat(161) });

    expect(status).toBe(201);
    expect(body).toMatchObject({
      sid: expect.stringMatching(/^SM[0-9a-f]{32}$/),
      account_sid: sid,
      status: 'queued',
      num_segments: '2',
      num_media: '0',
      direction: 'outbound-api',
      api_version: '2010-04-01',
      price: null,
      error_code: null,
      date_created: expect.stringMatching(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/),
    });
  });

  it.each([
    [{ From: '+32460200100', Twiml: '<Response/>' }, 21201],
    [{ To: '+32470123456', Twiml: '<Response/>' }, 21213],
    [{ To: '+32470123456', From: '+32460200100' }, 21205],
    [{ To: '+32470123456', From: '+32460200100', Twiml: '<Response/>', StatusCallback: 'callbacks/voice' }, 21609],
  ])('Calls %j → 400 / %i', async (form, code) => {
    const { status, body } = await post('Calls', form);

    expect(status).toBe(400);
    expect(body).toMatchObject({ code, status: 400 });
  });

  it('keeps the StatusCallback of a call for the callbacks to come', async () => {
    const { status, body } = await post('Calls', {
      To: '+32470123456',
      From: '+32460200100',
      Url: 'https://bin.example/twiml',
      StatusCallback: 'http://127.0.0.1:1/callbacks/voice',
    });

    expect(status).toBe(201);
    const [call] = await fixture.inbox('+32470123456');
    expect(call).toMatchObject({
      id: body.sid,
      url: 'https://bin.example/twiml',
      said: [],
      statusCallback: 'http://127.0.0.1:1/callbacks/voice',
    });
  });

  it('refuses bad credentials with 401 / 20003 and another account’s URL with 404', async () => {
    expect(await post('Messages', { To: '+32470123456' }, `${sid}:wrong`)).toMatchObject({ status: 401, body: { code: 20003 } });
    expect(await post('Messages', { To: '+32470123456' }, `${sid}:${token}`, `AC${'1'.repeat(32)}`)).toMatchObject({
      status: 404,
      body: { code: 20404 },
    });
  });
});
