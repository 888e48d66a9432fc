import { AlertContent, renderSms } from '@bin-alert/domain';
import { ProviderError, SmsMessage, SmsSender } from '@bin-alert/providers';
import type { DispatchSettings } from './dispatch-settings';
import { LeaseFence } from './lease-fence';
import type { ProviderRateLimiter, RateLimit } from './provider-rate-limiter';
import { SmsChannelSender } from './sms-channel.sender';
import { SmsRoutes } from './sms-routes';

const delivery = (id: string, inDoubtSince: Date | null = null) => ({ id, memberId: id, language: 'nl' as const, to: `+3247000000${id}`, inDoubtSince, plannedAt: new Date() });
/** A fence that admits every delivery: nothing is taken over in these tests. */
const fence = new LeaseFence({ admitToProvider: async (ids: string[]) => ids }, 'holder', 60_000);
const settings = {
  sendConcurrency: 1,
  smsSegmentBudget: 3,
  urgentSmsValiditySeconds: 3600,
  trackerPublicUrl: 'http://tracker',
  retryPolicy: { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 },
} as DispatchSettings;
const content = (urgency: 'urgent' | 'normal'): AlertContent =>
  ({
    alertId: 'a1',
    urgency,
    redistributionAllowed: false,
    category: 'missing_person',
    categoryRule: 'mandatory',
    texts: { nl: { title: 'Vermist', body: 'Wie zag Jan?' } },
  }) as AlertContent;

/** The urgent alert's message as the sender renders it. */
const urgentBody = renderSms(content('urgent'), 'nl', { segmentBudget: settings.smsSegmentBudget }).body;

/** A Twilio account the test scripts: what each create answers, what its list holds, who asked for tokens. */
class ScriptedRoute implements SmsSender {
  readonly sent: SmsMessage[] = [];
  readonly lookups: string[] = [];
  /** Messages the provider has although the create's answer never came. */
  readonly accepted = new Map<string, string>();
  constructor(
    private readonly name: string,
    private readonly create: (message: SmsMessage) => 'ok' | ProviderError | 'accepted_without_answer',
    private readonly list: () => 'answer' | ProviderError = () => 'answer',
  ) {}

  async send(message: SmsMessage) {
    const outcome = this.create(message);
    if (outcome === 'ok') {
      this.sent.push(message);
      return { providerId: `${this.name}-${message.deliveryId}` };
    }
    if (outcome === 'accepted_without_answer') {
      this.accepted.set(message.to, `${this.name}-${message.deliveryId}`);
      throw new ProviderError('twilio', { transportCode: 'ECONNRESET' });
    }
    throw outcome;
  }

  /** Newest first: what it accepted without answering, then what it sent. */
  async listSent(lookup: { to: string }) {
    this.lookups.push(lookup.to);
    const listed = this.list();
    if (listed instanceof ProviderError) throw listed;
    const accepted = this.accepted.get(lookup.to);
    return [
      ...(accepted ? [{ sid: accepted, body: urgentBody }] : []),
      ...this.sent
        .filter((m) => m.to === lookup.to)
        .reverse()
        .map((m) => ({ sid: `${this.name}-${m.deliveryId}`, body: m.body })),
    ];
  }
}

const down = () => new ProviderError('twilio', { httpStatus: 500, code: '20500' });
const limits: string[] = [];
const limiter = { acquire: async (limit: RateLimit) => void limits.push(limit.name) } as unknown as ProviderRateLimiter;
/** Opens after two failures of two calls, stays open for the test. */
const breaker = { windowSize: 2, windowMs: 60_000, minimumOutcomes: 2, failureRateThreshold: 0.5, openMs: 60_000, halfOpenTrials: 1 };

function sender(primary: ScriptedRoute, secondary: ScriptedRoute, use: 'urgent' | 'all' = 'urgent') {
  const routes = new SmsRoutes(
    { name: 'primary', sender: primary, limit: { name: 'twilio:messages:+1', perSecond: 10 } },
    { name: 'secondary', sender: secondary, limit: { name: 'twilio:messages:+2', perSecond: 10 } },
    use,
    breaker,
  );
  return new SmsChannelSender(routes, limiter, settings);
}

describe('SMS over two routes', () => {
  beforeEach(() => (limits.length = 0));

  it('sends an urgent alert by the second route once the first fails, each member once, after asking the first whether it has the message', async () => {
    const primary = new ScriptedRoute('p', down);
    const secondary = new ScriptedRoute('s', () => 'ok');
    const outcomes = await sender(primary, secondary).send(
      ['1', '2', '3'].map((id) => delivery(id)),
      content('urgent'),
      fence,
    );
    expect(outcomes.map((o) => [o.id, o.status, o.route])).toEqual([
      ['1', 'accepted', 'secondary'],
      ['2', 'accepted', 'secondary'],
      ['3', 'accepted', 'secondary'],
    ]);
    expect(secondary.sent.map((m) => m.deliveryId)).toEqual(['1', '2', '3']);
    // A 500 may come after the message was created: the first route was asked before the switch;
    // the others never went to the first route once its breaker was open.
    expect(primary.lookups).toEqual(['+32470000001']);
    // Tokens of the second route's own number.
    expect(limits).toContain('twilio:messages:+2');
  });

  it('does not send again by the second route what the first accepted without answering, and asks the first about a 5xx', async () => {
    let calls = 0;
    const primary = new ScriptedRoute('p', () => (++calls === 1 ? 'accepted_without_answer' : down()));
    const secondary = new ScriptedRoute('s', () => 'ok');
    const [first, second] = await sender(primary, secondary).send([delivery('1'), delivery('2')], content('urgent'), fence);
    // No answer: held in doubt at once (ADR 0038); its next sender asks every route first (last test).
    expect(first).toMatchObject({ id: '1', status: 'held' });
    expect(first.inDoubtSince).toBeInstanceOf(Date);
    expect(second).toMatchObject({ id: '2', status: 'accepted', route: 'secondary' });
    expect(primary.lookups).toEqual(['+32470000002']);
    expect(secondary.sent.map((m) => m.deliveryId)).toEqual(['2']);
  });

  it('takes what the first route accepted before answering 500 as sent there', async () => {
    const primary = new ScriptedRoute('p', (m) => {
      primary.accepted.set(m.to, `p-${m.deliveryId}`);
      return down();
    });
    const secondary = new ScriptedRoute('s', () => 'ok');
    const [outcome] = await sender(primary, secondary).send([delivery('1')], content('urgent'), fence);
    expect(outcome).toMatchObject({ id: '1', status: 'accepted', providerId: 'p-1', route: 'primary' });
    expect(secondary.sent).toEqual([]);
  });

  it('holds, still in doubt, a message the first route may have and cannot be asked about', async () => {
    const primary = new ScriptedRoute('p', down, down);
    const secondary = new ScriptedRoute('s', () => 'ok');
    const [outcome] = await sender(primary, secondary).send([delivery('1')], content('urgent'), fence);
    expect(outcome).toMatchObject({ id: '1', status: 'held' });
    expect(outcome.inDoubtSince).toBeInstanceOf(Date);
    expect(secondary.sent).toEqual([]);
  });

  it('keeps a normal alert on the first route unless told otherwise', async () => {
    const primary = new ScriptedRoute('p', down);
    const secondary = new ScriptedRoute('s', () => 'ok');
    const [held] = await sender(primary, secondary).send([delivery('1')], content('normal'), fence);
    expect(held).toMatchObject({ status: 'held', reason: 'provider_unavailable_500_after_4_attempts' });
    expect(secondary.sent).toEqual([]);
    const [moved] = await sender(new ScriptedRoute('p', down), secondary, 'all').send([delivery('1')], content('normal'), fence);
    expect(moved).toMatchObject({ status: 'accepted', route: 'secondary' });
  });

  it('does not count a refusal about the member against the route', async () => {
    const primary = new ScriptedRoute('p', (m) => (m.deliveryId === '1' || m.deliveryId === '2' ? new ProviderError('twilio', { httpStatus: 400, code: '21211' }) : 'ok'));
    const secondary = new ScriptedRoute('s', () => 'ok');
    const outcomes = await sender(primary, secondary).send(
      ['1', '2', '3'].map((id) => delivery(id)),
      content('urgent'),
      fence,
    );
    expect(outcomes.map((o) => [o.status, o.route ?? o.reason])).toEqual([
      ['failed', 'invalid_number'],
      ['failed', 'invalid_number'],
      ['accepted', 'primary'],
    ]);
  });

  it('asks both routes about a delivery an earlier sender left in doubt, and sends nothing when one has it', async () => {
    const primary = new ScriptedRoute('p', () => 'ok');
    const secondary = new ScriptedRoute('s', () => 'ok');
    secondary.accepted.set('+32470000001', 's-1');
    const [outcome] = await sender(primary, secondary).send([delivery('1', new Date(Date.now() - 60_000))], content('urgent'), fence);
    expect(outcome).toMatchObject({ status: 'accepted', providerId: 's-1', route: 'secondary' });
    expect(primary.lookups).toEqual(['+32470000001']);
    expect([...primary.sent, ...secondary.sent]).toEqual([]);
  });

  it('does not take another alert’s message to the number for the in-doubt delivery’s, and sends it', async () => {
    const primary = new ScriptedRoute('p', () => 'ok');
    const secondary = new ScriptedRoute('s', () => 'ok');
    primary.sent.push({ deliveryId: 'prevention', to: '+32470000001', body: 'Preventie: sluit uw fiets op slot.' });
    const [outcome] = await sender(primary, secondary).send([delivery('1', new Date(Date.now() - 60_000))], content('urgent'), fence);
    expect(outcome).toMatchObject({ status: 'accepted', providerId: 'p-1', route: 'primary' });
    expect(primary.sent.map((m) => m.body)).toEqual(['Preventie: sluit uw fiets op slot.', urgentBody]);
  });
});
