import { SIMULATOR_TWILIO_SECOND, TwilioSmsSender, TwilioStatusLookup, TwilioVoiceCaller, createTwilioClient } from '@bin-alert/providers';
import { SimFixture, startSimFixture } from '../testing/sim-fixture';

const SECOND_FROM = '+32460200200';
const TWIML = '<Response><Say>Vermist: Lucas (8).</Say></Response>';

/**
 * GET …/Messages/{Sid}.json and …/Calls/{Sid}.json, read by the real twilio-node SDK: what the
 * tracker's reconciliation asks about a delivery whose callbacks were lost (ADR 0039).
 */
describe('fetching one Twilio message or call by its sid', () => {
  let fixture: SimFixture;
  let lookup: TwilioStatusLookup;

  beforeAll(async () => {
    fixture = await startSimFixture({ callbackDelayMs: { min: 0, max: 2 } });
    const second = { ...SIMULATOR_TWILIO_SECOND, fromNumber: SECOND_FROM, apiBaseUrl: fixture.sim.url };
    lookup = new TwilioStatusLookup({ twilio: fixture.settings.twilio, twilioSecond: second });
  });
  afterAll(() => fixture.sim.close());
  beforeEach(() => fixture.reset());

  /** The simulator plays each lifecycle on its own clock: ask until the answer is final, as a reconciler would. */
  async function finalAnswer(sent: Parameters<TwilioStatusLookup['lookUp']>[0], final: string[]): ReturnType<TwilioStatusLookup['lookUp']> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const answer = await lookup.lookUp(sent);
      if (answer.kind !== 'status' || final.includes(answer.providerStatus) || Date.now() > deadline) return answer;
      await new Promise((resolve) => setTimeout(resolve, 20)); // poll interval, not a wait for an outcome
    }
  }

  it('answers an SMS in the resource shape the SDK parses, with its current status', async () => {
    // No StatusCallback: nobody is told, the status is only to be asked for.
    const sent = await new TwilioSmsSender(fixture.settings.twilio).send({ deliveryId: 'd-1', to: '+32470123001', body: 'Vermist: Lucas (8).' });
    const answer = await finalAnswer({ channel: 'sms', providerId: sent.providerId, route: null }, ['delivered']);
    expect(answer).toEqual({ kind: 'status', providerStatus: 'delivered', updatedAt: expect.any(Date) });

    const m = await createTwilioClient(fixture.settings.twilio).messages(sent.providerId).fetch();
    expect(m).toMatchObject({
      sid: sent.providerId,
      accountSid: fixture.settings.twilio.accountSid,
      to: '+32470123001',
      body: 'Vermist: Lucas (8).',
      status: 'delivered',
      errorCode: null,
    });
    expect(m.dateUpdated.getTime()).toBeGreaterThanOrEqual(m.dateCreated.getTime());
  });

  it('answers undelivered with its error code, and the final status when `sent` was posted after it', async () => {
    const sms = new TwilioSmsSender(fixture.settings.twilio);
    const unreachable = await sms.send({ deliveryId: 'd-2', to: '+32470990001', body: 'x' });
    const outOfOrder = await sms.send({ deliveryId: 'd-3', to: '+32470990401', body: 'x' });
    expect(await finalAnswer({ channel: 'sms', providerId: unreachable.providerId, route: null }, ['undelivered'])).toMatchObject({
      providerStatus: 'undelivered',
      errorCode: '30003',
    });
    await fixture.settled();
    const last = (await fixture.inbox('+32470990401'))[0].statuses?.at(-1)?.status;
    expect(last).toBe('sent');
    expect(await lookup.lookUp({ channel: 'sms', providerId: outOfOrder.providerId, route: null })).toMatchObject({ providerStatus: 'delivered' });
  });

  it('answers a call with its status, and who answered when machine detection was asked', async () => {
    const voice = new TwilioVoiceCaller(fixture.settings.twilio);
    const unanswered = await voice.call({ deliveryId: 'd-4', to: '+32470991001', answer: { twiml: TWIML } });
    const machine = await voice.call({ deliveryId: 'd-5', to: '+32470991201', answer: { twiml: TWIML }, machineDetection: 'DetectMessageEnd' });
    expect(await finalAnswer({ channel: 'voice', providerId: unanswered.providerId, route: null }, ['no-answer'])).toMatchObject({ kind: 'status', providerStatus: 'no-answer' });
    const answer = await finalAnswer({ channel: 'voice', providerId: machine.providerId, route: null }, ['completed']);
    expect(answer).toMatchObject({ kind: 'status', providerStatus: 'completed', answeredBy: expect.stringMatching(/^machine/) });
    const c = await createTwilioClient(fixture.settings.twilio).calls(machine.providerId).fetch();
    expect(c).toMatchObject({ sid: machine.providerId, status: 'completed', to: '+32470991201' });
  });

  it('answers 404 with code 20404, as Twilio does, for a sid it does not hold', async () => {
    const client = createTwilioClient(fixture.settings.twilio);
    await expect(client.messages('SM00000000000000000000000000000000').fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    await expect(client.calls('CA00000000000000000000000000000000').fetch()).rejects.toMatchObject({ status: 404, code: 20404 });
    expect(await lookup.lookUp({ channel: 'sms', providerId: 'SM00000000000000000000000000000000', route: null })).toEqual({ kind: 'unknown' });
  });

  it('still knows a message or call that left the inbox’s bounded window, with the statuses it reached since (as Twilio keeps them for months)', async () => {
    // Statuses come after the later messages pushed the first out of the window.
    await fixture.configure({ retention: { messagesPerChannel: 2, messagesPerAddress: 20 }, callbackDelayMs: { min: 100, max: 150 } });
    const sms = new TwilioSmsSender(fixture.settings.twilio);
    const voice = new TwilioVoiceCaller(fixture.settings.twilio);
    const unreachable = await sms.send({ deliveryId: 'd-6', to: '+32470990006', body: 'x' });
    const machine = await voice.call({ deliveryId: 'd-6c', to: '+32470991206', answer: { twiml: TWIML }, machineDetection: 'Enable' });
    for (let i = 0; i < 3; i += 1) {
      await sms.send({ deliveryId: `d-7-${i}`, to: `+3247012300${i}`, body: 'x' });
      await voice.call({ deliveryId: `d-7c-${i}`, to: `+3247099140${i}`, answer: { twiml: TWIML } });
    }
    expect((await fixture.messages('sms')).map((m) => m.id)).not.toContain(unreachable.providerId);
    expect((await fixture.messages('voice')).map((m) => m.id)).not.toContain(machine.providerId);

    expect(await finalAnswer({ channel: 'sms', providerId: unreachable.providerId, route: null }, ['undelivered'])).toMatchObject({
      providerStatus: 'undelivered',
      errorCode: '30003',
    });
    const answer = await finalAnswer({ channel: 'voice', providerId: machine.providerId, route: null }, ['completed']);
    expect(answer).toMatchObject({ kind: 'status', providerStatus: 'completed', answeredBy: expect.stringMatching(/^machine/) });
    expect(await createTwilioClient(fixture.settings.twilio).messages(unreachable.providerId).fetch()).toMatchObject({
      sid: unreachable.providerId,
      to: '+32470990006',
      body: 'x',
      status: 'undelivered',
    });
  });

  it('does not know a call by a message sid', async () => {
    const sent = await new TwilioSmsSender(fixture.settings.twilio).send({ deliveryId: 'd-8', to: '+32470123008', body: 'x' });
    expect(await lookup.lookUp({ channel: 'sms', providerId: sent.providerId, route: null })).toMatchObject({ kind: 'status' });
    expect(await lookup.lookUp({ channel: 'voice', providerId: sent.providerId, route: null })).toEqual({ kind: 'unknown' });
  });

  it('asks the account of the route that sent it: the other account does not know it', async () => {
    const secondSender = new TwilioSmsSender({ ...SIMULATOR_TWILIO_SECOND, fromNumber: SECOND_FROM, apiBaseUrl: fixture.sim.url });
    const sent = await secondSender.send({ deliveryId: 'd-9', to: '+32470123009', body: 'x' });
    expect(await lookup.lookUp({ channel: 'sms', providerId: sent.providerId, route: 'secondary' })).toMatchObject({ kind: 'status' });
    expect(await lookup.lookUp({ channel: 'sms', providerId: sent.providerId, route: 'primary' })).toEqual({ kind: 'unknown' });
  });

  it('is no answer when the provider cannot be reached', async () => {
    const unreachable = new TwilioStatusLookup({ twilio: { ...fixture.settings.twilio, apiBaseUrl: 'http://127.0.0.1:1' }, twilioSecond: null });
    expect(await unreachable.lookUp({ channel: 'sms', providerId: 'SM00000000000000000000000000000001', route: null })).toMatchObject({ kind: 'no_answer' });
  });
});
