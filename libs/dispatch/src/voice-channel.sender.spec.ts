import { DEFAULT_RETRY_POLICY } from '@bin-alert/domain';
import { ProviderError, type VoiceCall } from '@bin-alert/providers';
import type { DispatchSettings } from './dispatch-settings';
import { LeaseFence } from './lease-fence';
import { ProviderRateLimiter, RateLimiterUnavailableError } from './provider-rate-limiter';
import { VoiceChannelSender } from './voice-channel.sender';

const delivery = (id: string) => ({ id, memberId: id, language: 'nl' as const, to: `+325300000${id}`, inDoubtSince: null, plannedAt: new Date() });
/** A fence that admits every delivery: nothing is taken over in these tests. */
const fence = new LeaseFence({ admitToProvider: async (ids: string[]) => ids }, 'holder', 60_000);
const settings = {
  sendConcurrency: 4,
  twilioCallsPerSecond: 50,
  retryPolicy: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1, maxDelayMs: 1 },
  trackerPublicUrl: 'http://t',
} as DispatchSettings;
const content = {
  alertId: 'a1',
  urgency: 'urgent' as const,
  redistributionAllowed: true,
  category: 'missing_person',
  categoryRule: 'opt_out' as const,
  texts: { nl: { title: 'T', body: 'B' } },
};
const limit = { name: 'twilio:calls', perSecond: 50 };
/** No delivery in doubt here: the database is never asked. */
const records = { callsToNumber: async () => ({ recorded: [], othersUnsettled: 0 }) };

describe('VoiceChannelSender tokens', () => {
  const calls: VoiceCall[] = [];
  /** Twilio answers 503 once to the number given, then accepts. */
  const caller = (busyOnce?: string) => ({
    call: async (call: VoiceCall) => {
      calls.push(call);
      if (call.to === busyOnce && calls.filter((c) => c.to === busyOnce).length === 1) throw new ProviderError('twilio', { httpStatus: 503 });
      return { providerId: `CA${calls.length}` };
    },
    listPlaced: async () => [],
  });

  beforeEach(() => (calls.length = 0));

  it('takes the tokens of a chunk’s calls in one call to the bucket, in the chunk’s lane (one Redis round trip per chunk, not per call)', async () => {
    const acquire = jest.fn(async () => undefined);
    const outcomes = await new VoiceChannelSender(caller(), { acquire } as unknown as ProviderRateLimiter, settings, records).send(
      [delivery('1'), delivery('2'), delivery('3')],
      content,
      fence,
    );
    expect(acquire.mock.calls).toEqual([[limit, 3, 'urgent']]);
    expect(calls).toHaveLength(3);
    expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted', 'accepted']);
  });

  it('takes a token of its own for a retry, and for each call when the chunk’s take found the store away', async () => {
    const retried = jest.fn(async () => undefined);
    await new VoiceChannelSender(caller('+3253000002'), { acquire: retried } as unknown as ProviderRateLimiter, settings, records).send(
      [delivery('1'), delivery('2')],
      content,
      fence,
    );
    expect(retried.mock.calls.map((c) => (c as unknown[])[1])).toEqual([2, 1]);
    expect(calls).toHaveLength(3);

    calls.length = 0;
    const away = jest.fn<Promise<void>, unknown[]>().mockRejectedValueOnce(new RateLimiterUnavailableError('redis away')).mockResolvedValue(undefined);
    const outcomes = await new VoiceChannelSender(caller(), { acquire: away } as unknown as ProviderRateLimiter, settings, records).send(
      [delivery('1'), delivery('2')],
      content,
      fence,
    );
    expect(away.mock.calls.map((c) => c[1])).toEqual([2, 1, 1]);
    expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted']);
  });
});
