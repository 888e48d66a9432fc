import { ProviderError, TwilioSmsSender } from '@bin-alert/providers';
import { createServer } from 'node:net';
import { rejectionOf, settingsFor, SIM_FROM_NUMBER, SimFixture, startSimFixture } from '../testing/sim-fixture';

describe('Twilio Messages through the official SDK', () => {
  let fixture: SimFixture;
  let sender: TwilioSmsSender;

  beforeAll(async () => {
    fixture = await startSimFixture();
    sender = new TwilioSmsSender(fixture.settings.twilio);
  });
  afterAll(() => fixture.sim.close());
  beforeEach(() => fixture.clear());

  it('accepts an SMS to a Belgian mobile and shows it in that number’s inbox', async () => {
    const body = 'BIN Aalst: inbraak gemeld in de Kerkstraat. Sluit ramen en deuren.';

    const accepted = await sender.send({ deliveryId: 'd-1', to: '+32470123456', body, validityPeriodSeconds: 600 });

    expect(accepted.providerId).toMatch(/^SM[0-9a-f]{32}$/);
    const inbox = await fixture.inbox('+32470123456');
    expect(inbox).toEqual([
      expect.objectContaining({
        id: accepted.providerId,
        channel: 'sms',
        to: '+32470123456',
        from: SIM_FROM_NUMBER,
        body,
        segments: 1,
        encoding: 'GSM-7',
        validityPeriodSeconds: 600,
      }),
    ]);
    expect(Date.parse(inbox[0].receivedAt)).not.toBeNaN();
  });

  it('counts UCS-2 segments when one character is outside GSM-7', async () => {
    const body = 'BIN: fenêtre ouverte signalée. '.repeat(3); // ê forces UCS-2: 93 units → 2 parts

    await sender.send({ deliveryId: 'd-2', to: '+32471234567', body });

    const [message] = await fixture.inbox('+32471234567');
    expect(message).toMatchObject({ encoding: 'UCS-2', segments: 2 });
  });

  it('refuses an invalid number with 21211, a terminal failure that does not quote the number', async () => {
    const error = await rejectionOf(sender.send({ deliveryId: 'd-3', to: '+3212345', body: 'test' }));

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'terminal', reason: 'invalid_number', code: '21211', httpStatus: 400 });
    expect((error as Error).message).not.toContain('12345');
    expect(await fixture.messages('sms')).toEqual([]);
  });

  it('refuses a Belgian landline with 21614 (not a mobile number)', async () => {
    const error = await rejectionOf(sender.send({ deliveryId: 'd-4', to: '+3253123456', body: 'test' }));

    expect(error).toMatchObject({ kind: 'terminal', reason: 'not_a_mobile_number', code: '21614', httpStatus: 400 });
    expect((error as Error).message).not.toContain('53123456');
  });

  it('turns wrong credentials into 401 / 20003, terminal provider_auth_refused', async () => {
    const wrong = new TwilioSmsSender({ ...fixture.settings.twilio, authToken: 'not-the-token' });

    const error = await rejectionOf(wrong.send({ deliveryId: 'd-5', to: '+32470123456', body: 'test' }));

    expect(error).toMatchObject({ kind: 'terminal', reason: 'provider_auth_refused', code: '20003', httpStatus: 401 });
  });

  it('treats an unreachable provider as a retryable network error', async () => {
    const unreachable = new TwilioSmsSender(settingsFor(`http://127.0.0.1:${await closedPort()}`).twilio);

    const error = await rejectionOf(unreachable.send({ deliveryId: 'd-6', to: '+32470123456', body: 'test' }));

    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'retryable', reason: 'network_error', httpStatus: undefined });
  });
});

/** A port on which nothing listens: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
