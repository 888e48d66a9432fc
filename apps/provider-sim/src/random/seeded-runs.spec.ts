import { SendGridEmailSender, TwilioSmsSender, TwilioVoiceCaller } from '@bin-alert/providers';
import { SimMessage } from '../inbox/sim-message';
import { SimFixture, startSimFixture } from '../testing/sim-fixture';

const GATHER = '<Response><Say language="nl-BE">Vermiste jongen.</Say><Gather numDigits="1"><Say>Druk 1.</Say></Gather></Response>';

describe('seeded runs', () => {
  let fixture: SimFixture;
  let sms: TwilioSmsSender;
  let voice: TwilioVoiceCaller;
  let email: SendGridEmailSender;

  beforeAll(async () => {
    fixture = await startSimFixture({
      callbackDelayMs: { min: 0, max: 1 },
      sms: { errorRates: { 21612: 0.2 }, undeliveredRate: 0.3, outOfOrderRate: 0.5 },
      voice: { noAnswerRate: 0.2, busyRate: 0.2, machineRate: 0.2, acknowledgeRate: 0.5 },
      email: { bounceRate: 0.3, deferRate: 0.2 },
    });
    sms = new TwilioSmsSender(fixture.settings.twilio);
    voice = new TwilioVoiceCaller(fixture.settings.twilio);
    email = new SendGridEmailSender(fixture.settings.sendgrid);
  });
  afterAll(() => fixture.sim.close());

  /** What happened to a fixed workload, without ids or times (those are fresh in every run). */
  async function run(seed: number): Promise<unknown> {
    await fixture.clear();
    await fixture.configure({ seed });
    const refusals: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      await sms.send({ deliveryId: `s-${i}`, to: `+324701234${String(i).padStart(2, '0')}`, body: `bericht ${i}` }).then(
        () => refusals.push('accepted'),
        (error: { code?: string }) => refusals.push(String(error.code)),
      );
    }
    for (let i = 0; i < 10; i += 1) await voice.call({ deliveryId: `v-${i}`, to: `+324712345${String(i).padStart(2, '0')}`, answer: { twiml: GATHER } });
    await email.sendBatch({
      subject: 'BIN',
      text: 't',
      html: '<p>t</p>',
      recipients: Array.from({ length: 30 }, (_, i) => ({ deliveryId: `e-${i}`, to: `lid${i}@example.be` })),
    });
    await fixture.settled();
    const outcome = (message: SimMessage) => ({
      to: message.to,
      outcome: message.outcome,
      errorCode: message.errorCode,
      answeredBy: message.answeredBy,
      digits: message.digits,
      statuses: message.statuses?.map((change) => change.status),
    });
    return { refusals, messages: (await fixture.messages()).map(outcome) };
  }

  it('repeats exactly with the same seed, and differs with another', async () => {
    const first = await run(42);
    const again = await run(42);
    const other = await run(43);

    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  // 30 draws at 0.2–0.3 each: the chance that one kind of fault never shows is below 0.1 %.
  it('actually exercises the configured faults', async () => {
    const { refusals, messages } = (await run(42)) as { refusals: string[]; messages: Array<{ outcome?: string; statuses?: string[] }> };

    expect(refusals).toContain('21612');
    expect(refusals).toContain('accepted');
    const outcomes = new Set(messages.map((message) => message.outcome));
    for (const expected of ['delivered', 'undelivered', 'completed', 'bounce']) expect(outcomes.has(expected)).toBe(true);
    expect(messages.some((message) => message.statuses?.[0] === 'delivered' || message.statuses?.[0] === 'undelivered')).toBe(true);
  });
});
