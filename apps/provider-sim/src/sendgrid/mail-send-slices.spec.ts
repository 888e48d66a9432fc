import { Agent, request } from 'node:http';
import { SimControl } from '../control/sim-control';
import { MessageStore } from '../inbox/message-store';
import { SimMessage } from '../inbox/sim-message';
import { DEFAULT_SIM_CREDENTIALS } from '../sim-credentials';
import { SimFixture, SIM_FROM_NUMBER, startSimFixture } from '../testing/sim-fixture';
import { MAX_RECIPIENTS } from './mail-send.validator';
import { RECIPIENTS_PER_SLICE } from './mail-send.service';

/**
 * A 1000-recipient request is recorded in slices (ADR 0049): a Twilio create that arrives while
 * it is being recorded is answered before it, not after every recipient. Order of answers, not
 * time: without the slices the whole request is recorded in the turn its first recipient is, and
 * its 202 is written before the SMS is even read.
 */
describe('SendGrid mail send in slices', () => {
  let fixture: SimFixture;
  const agent = new Agent({ keepAlive: true });

  beforeAll(async () => {
    fixture = await startSimFixture();
  });
  afterAll(async () => {
    agent.destroy();
    await fixture.sim.close();
  });
  beforeEach(() => fixture.clear());

  const post = (path: string, headers: Record<string, string>, body: string): Promise<number> =>
    new Promise((done, fail) => {
      const req = request(`${fixture.sim.url}${path}`, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      });
      req.on('error', fail);
      req.end(body);
    });
  const { twilioAccountSid, twilioAuthToken, sendgridApiKey } = DEFAULT_SIM_CREDENTIALS;
  const createSms = (to: string): Promise<number> =>
    post(
      `/2010-04-01/Accounts/${twilioAccountSid}/Messages.json`,
      { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${twilioAccountSid}:${twilioAuthToken}`).toString('base64')}` },
      new URLSearchParams({ To: to, From: SIM_FROM_NUMBER, Body: 'Sluit ramen en deuren.' }).toString(),
    );
  const sendMail = (recipients: number): Promise<number> =>
    post(
      '/v3/mail/send',
      { 'content-type': 'application/json', authorization: `Bearer ${sendgridApiKey}` },
      JSON.stringify({
        from: { email: 'bin@politie-aalst.example' },
        subject: 'BIN Aalst: inbraak Kerkstraat',
        content: [{ type: 'text/plain', value: 'Sluit ramen en deuren.' }],
        personalizations: Array.from({ length: recipients }, (_, i) => ({ to: [{ email: `member${i}@example.be` }], custom_args: { delivery_id: `d-${i}` } })),
      }),
    );

  it('answers a Twilio create that arrives while a 1000-recipient request is being recorded before that request', async () => {
    expect(MAX_RECIPIENTS / RECIPIENTS_PER_SLICE).toBeGreaterThanOrEqual(4);
    // A kept-alive connection, so that the create is written as soon as it is asked for.
    expect(await createSms('+32470000001')).toBe(201);
    const store = fixture.sim.app.get(MessageStore);
    const record = store.record.bind(store);
    const answered: string[] = [];
    const noted =
      (what: string) =>
      (status: number): number => {
        answered.push(what);
        return status;
      };
    let sms: Promise<number> | undefined;
    const spy = jest.spyOn(store, 'record').mockImplementation((message) => {
      // The request's first recipient: its body has been read and its recording has begun.
      if (message.channel === 'email' && sms === undefined) sms = createSms('+32470000002').then(noted('sms'));
      return record(message);
    });
    try {
      const mail = sendMail(MAX_RECIPIENTS).then(noted('mail'));
      expect(await mail).toBe(202);
      expect(await sms).toBe(201);
    } finally {
      spy.mockRestore();
    }
    expect(answered).toEqual(['sms', 'mail']);
    // Every recipient recorded all the same, in order, each with its own sg_message_id.
    const emails: SimMessage[] = await fixture.messages('email');
    expect(emails).toHaveLength(MAX_RECIPIENTS);
    expect(emails.map((m) => m.to)).toEqual(Array.from({ length: MAX_RECIPIENTS }, (_, i) => `member${i}@example.be`));
    expect(emails[999].sgMessageId).toMatch(/\.filterdrecv-sim-1000-0\.0$/);
    expect((await fixture.stats()).email).toMatchObject({ accepted: MAX_RECIPIENTS, duplicates: 0, requests: 1 });
  });

  it('keeps nothing more of a request whose recording a clear interrupted', async () => {
    const store = fixture.sim.app.get(MessageStore);
    const control = fixture.sim.app.get(SimControl);
    const record = store.record.bind(store);
    let cleared = false;
    const spy = jest.spyOn(store, 'record').mockImplementation((message) => {
      const stored = record(message);
      // What DELETE /__sim/messages does, right after the first recipient.
      if (!cleared) control.clearRuntime();
      cleared = true;
      return stored;
    });
    try {
      expect(await sendMail(MAX_RECIPIENTS)).toBe(202);
    } finally {
      spy.mockRestore();
    }
    await fixture.settled();
    // What was recorded before the clear went with it; nothing after it was recorded or counted.
    expect(await fixture.messages('email')).toEqual([]);
    expect((await fixture.stats()).email).toMatchObject({ accepted: 0, requests: 0 });
  });
});
