import { createTwilioClient, TwilioClient } from '@bin-alert/providers';
import twilio from 'twilio';
import { DEFAULT_SIM_CREDENTIALS } from '../sim-credentials';
import { SIM_FROM_NUMBER, SimFixture, startSimFixture } from '../testing/sim-fixture';
import { ReceivedRequest, WebhookReceiver } from '../testing/webhook-receiver';

const TOKEN = DEFAULT_SIM_CREDENTIALS.twilioAuthToken;
const ALL_EVENTS = ['initiated', 'ringing', 'answered', 'completed'];
const GATHER_TWIML = (action: string) =>
  '<Response><Say language="nl-BE">Vermiste jongen, rode jas.</Say>' +
  `<Gather numDigits="1" timeout="8" action="${action.replace(/&/g, '&amp;')}" method="POST">` +
  '<Say language="nl-BE">Druk op 1 om te bevestigen.</Say></Gather></Response>';

describe('Twilio call status callbacks', () => {
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
    await fixture.configure({ voice: { acknowledgeRate: 0 } });
    receiver.reset();
  });

  const call = (to: string, options: { events?: string[]; twiml?: string; url?: string; machineDetection?: 'Enable' | 'DetectMessageEnd' } = {}) =>
    client.calls.create({
      to,
      from: SIM_FROM_NUMBER,
      ...(options.url !== undefined ? { url: options.url } : { twiml: options.twiml ?? '<Response><Say>Test</Say></Response>' }),
      statusCallback: receiver.url('/twilio/call-status?delivery=d-9'),
      ...(options.events ? { statusCallbackEvent: options.events } : {}),
      ...(options.machineDetection ? { machineDetection: options.machineDetection } : {}),
    });

  it('posts every requested event, signed, in sequence, with CallDuration on completed', async () => {
    const created = await call('+32470123456', { events: ALL_EVENTS });

    const callbacks = await receiver.waitFor('/twilio/call-status', 4);
    expect(callbacks.map((callback) => callback.form.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    expect(callbacks.map((callback) => callback.form.SequenceNumber)).toEqual(['0', '1', '2', '3']);
    for (const callback of callbacks) {
      expect(callback.form).toMatchObject({
        CallSid: created.sid,
        AccountSid: DEFAULT_SIM_CREDENTIALS.twilioAccountSid,
        From: SIM_FROM_NUMBER,
        To: '+32470123456',
        ApiVersion: '2010-04-01',
        Direction: 'outbound-api',
        Timestamp: expect.stringMatching(/\+0000$/),
      });
      expect(callback.form.AnsweredBy).toBeUndefined();
      expect(isSignedByTwilio(callback, receiver.url('/twilio/call-status?delivery=d-9'))).toBe(true);
    }
    expect(Number(callbacks[3].form.CallDuration)).toBeGreaterThan(0);
    expect(callbacks[0].form.CallDuration).toBeUndefined();
  });

  it('posts only completed when no StatusCallbackEvent is given', async () => {
    await call('+32470123456');

    await fixture.settled();

    expect(receiver.on('/twilio/call-status').map((callback) => callback.form.CallStatus)).toEqual(['completed']);
    expect(receiver.on('/twilio/call-status')[0].form.SequenceNumber).toBe('0');
  });

  it.each([
    ['+32470991003', 'no-answer', ['initiated', 'ringing', 'no-answer']],
    ['+32470991142', 'busy', ['initiated', 'ringing', 'busy']],
    ['+32470991399', 'failed', ['initiated', 'failed']],
  ])('ends a call to %s (magic range) %s, never answered', async (to, outcome, statuses) => {
    await call(to, { events: ALL_EVENTS });

    await fixture.settled();

    const callbacks = receiver.on('/twilio/call-status');
    expect(callbacks.map((callback) => callback.form.CallStatus)).toEqual(statuses);
    expect(callbacks[callbacks.length - 1].form.CallDuration).toBe('0');
    expect(await fixture.inbox(to)).toMatchObject([{ outcome, statuses: statuses.map((status) => ({ status })) }]);
  });

  it.each([
    ['+32470991201', 'Enable', 'machine_start'],
    ['+32470991201', 'DetectMessageEnd', 'machine_end_beep'],
    ['+32470123456', 'Enable', 'human'],
  ] as const)('reports AnsweredBy for %s with MachineDetection=%s as %s', async (to, machineDetection, answeredBy) => {
    await call(to, { events: ['answered', 'completed'], machineDetection, twiml: GATHER_TWIML(receiver.url('/twilio/gather')) });

    const [answered, completed] = await receiver.waitFor('/twilio/call-status', 2);
    expect(answered.form).toMatchObject({ CallStatus: 'in-progress', AnsweredBy: answeredBy });
    expect(completed.form).toMatchObject({ CallStatus: 'completed', AnsweredBy: answeredBy });
    await fixture.settled();
    expect(await fixture.inbox(to)).toMatchObject([{ outcome: 'completed', answeredBy, machineDetection }]);
  });

  it('lets a human press 1: Digits=1 and the call params posted, signed, to the Gather action', async () => {
    await fixture.configure({ voice: { acknowledgeRate: 1 } });
    const action = receiver.url('/twilio/gather?delivery=d-9&kind=ack');

    const created = await call('+32470123456', { twiml: GATHER_TWIML(action) });

    const [gather] = await receiver.waitFor('/twilio/gather', 1);
    expect(gather.path).toBe('/twilio/gather?delivery=d-9&kind=ack');
    expect(gather.form).toMatchObject({ Digits: '1', CallSid: created.sid, CallStatus: 'in-progress', To: '+32470123456', AccountSid: DEFAULT_SIM_CREDENTIALS.twilioAccountSid });
    expect(isSignedByTwilio(gather, action)).toBe(true);
    await fixture.settled();
    expect(await fixture.inbox('+32470123456')).toMatchObject([{ outcome: 'completed', answeredBy: 'human', digits: '1', gatherReplyStatus: 200 }]);
    // The Gather ends before completed is reported.
    expect(receiver.requests.map((request) => request.path.split('?')[0])).toEqual(['/twilio/gather', '/twilio/call-status']);
  });

  it('presses nothing when acknowledgeRate is 0, nor when a machine answers', async () => {
    await call('+32470123456', { twiml: GATHER_TWIML(receiver.url('/twilio/gather')) });
    await fixture.configure({ voice: { acknowledgeRate: 1 } });
    await call('+32470991250', { twiml: GATHER_TWIML(receiver.url('/twilio/gather')) });

    await fixture.settled();

    expect(receiver.on('/twilio/gather')).toEqual([]);
    expect((await fixture.messages('voice')).map((message) => message.digits)).toEqual([undefined, undefined]);
  });

  it.each([
    ['+32470991400', 'presses 1', '1'],
    ['+32470991500', 'never presses', undefined],
  ])('magic range %s %s, whatever acknowledgeRate', async (to, _, digits) => {
    await fixture.configure({ voice: { acknowledgeRate: digits === undefined ? 1 : 0 } });

    await call(to, { twiml: GATHER_TWIML(receiver.url('/twilio/gather')) });
    await fixture.settled();

    expect(receiver.on('/twilio/gather')).toHaveLength(digits === undefined ? 0 : 1);
    expect((await fixture.inbox(to))[0].digits).toBe(digits);
  });

  it('fetches a Url call’s TwiML on answer, signed, and posts digits to the document itself when the Gather has no action', async () => {
    await fixture.configure({ voice: { acknowledgeRate: 1 } });
    const twimlUrl = receiver.url('/twilio/twiml?alert=a-1');
    receiver.respondWith((request) =>
      request.path.startsWith('/twilio/twiml')
        ? { status: 200, contentType: 'text/xml', body: '<Response><Gather numDigits="1"><Say language="fr-BE">Appuyez sur 1.</Say></Gather></Response>' }
        : { status: 200 },
    );

    await call('+32470123456', { url: twimlUrl });

    const [fetch, digits] = await receiver.waitFor('/twilio/twiml', 2);
    expect(fetch.form).toMatchObject({ CallStatus: 'in-progress' });
    expect(fetch.form.Digits).toBeUndefined();
    expect(digits.form).toMatchObject({ Digits: '1' });
    expect(isSignedByTwilio(fetch, twimlUrl)).toBe(true);
    expect(isSignedByTwilio(digits, twimlUrl)).toBe(true);
    await fixture.settled();
    expect(await fixture.inbox('+32470123456')).toMatchObject([{ said: [{ language: 'fr-BE', text: 'Appuyez sur 1.' }], digits: '1' }]);
  });
});

function isSignedByTwilio(request: ReceivedRequest, url: string): boolean {
  return twilio.validateRequest(TOKEN, String(request.headers['x-twilio-signature']), url, request.form);
}
