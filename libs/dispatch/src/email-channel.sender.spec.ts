import { DEFAULT_RETRY_POLICY } from '@bin-alert/domain';
import type { EmailBatch } from '@bin-alert/providers';
import type { DispatchSettings } from './dispatch-settings';
import { EMAIL_LINK_TAGS, EMAIL_RECIPIENTS_IN_FLIGHT, EmailChannelSender, spreadSharedAddresses } from './email-channel.sender';
import { ProviderRateLimiter, RateLimiterUnavailableError } from './provider-rate-limiter';
import { LeaseFence } from './lease-fence';

const delivery = (id: string, to: string) => ({ id, memberId: id, language: 'nl' as const, to, inDoubtSince: null, plannedAt: new Date() });
/** A fence that admits every delivery: nothing is taken over in these tests. */
const fence = new LeaseFence({ admitToProvider: async (ids: string[]) => ids }, 'holder', 60_000);

describe('spreadSharedAddresses', () => {
  it('keeps everyone in one round when no address is shared', () => {
    const rounds = spreadSharedAddresses([delivery('1', 'a@x.be'), delivery('2', 'b@x.be')]);
    expect(rounds.map((r) => r.map((d) => d.id))).toEqual([['1', '2']]);
  });

  it('puts a second delivery to the same address (any case) in a later request', () => {
    const rounds = spreadSharedAddresses([delivery('1', 'home@x.be'), delivery('2', 'b@x.be'), delivery('3', 'HOME@x.be'), delivery('4', 'home@x.be')]);
    expect(rounds.map((r) => r.map((d) => d.id))).toEqual([['1', '2'], ['3'], ['4']]);
  });
});

describe('EmailChannelSender links', () => {
  const batches: EmailBatch[] = [];
  const email = {
    sendBatch: async (batch: EmailBatch) => {
      batches.push(batch);
      return { providerId: 'm1' };
    },
  };
  const limiter = { acquire: async () => undefined } as unknown as ProviderRateLimiter;
  const settings = { sendConcurrency: 4, sendgridRequestsPerSecond: 10, retryPolicy: DEFAULT_RETRY_POLICY } as DispatchSettings;
  const links = {
    preferences: (memberId: string) => `https://bin.example/preferences?token=p-${memberId}`,
    unsubscribe: (memberId: string, category: string) => `https://bin.example/unsubscribe?token=u-${memberId}-${category}`,
  };
  const sender = new EmailChannelSender(email, limiter, settings, links);
  const content = { alertId: 'a1', urgency: 'normal' as const, redistributionAllowed: true, texts: { nl: { title: 'T', body: 'B' } } };
  const burglary = { ...content, category: 'burglary', categoryRule: 'opt_out' as const };

  beforeEach(() => (batches.length = 0));

  it('gives each recipient their own one-click unsubscribe for the alert’s category', async () => {
    await sender.send([delivery('m1', 'a@x.be'), delivery('m2', 'b@x.be')], burglary, fence);
    expect(batches[0].recipients.map((r) => r.headers)).toEqual([
      { 'List-Unsubscribe': '<https://bin.example/unsubscribe?token=u-m1-burglary>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      { 'List-Unsubscribe': '<https://bin.example/unsubscribe?token=u-m2-burglary>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    ]);
  });

  it('puts tags in the one shared footer, and each personalization carries its own two links for them', async () => {
    await sender.send([delivery('m1', 'a@x.be'), delivery('m2', 'b@x.be')], burglary, fence);
    expect(batches).toHaveLength(1);
    const [batch] = batches;
    for (const part of [batch.text, batch.html]) {
      expect(part).toContain(EMAIL_LINK_TAGS.preferences);
      expect(part).toContain(EMAIL_LINK_TAGS.unsubscribe);
      expect(part).not.toContain('https://bin.example');
    }
    expect(batch.recipients.map((r) => r.substitutions)).toEqual([
      { [EMAIL_LINK_TAGS.preferences]: 'https://bin.example/preferences?token=p-m1', [EMAIL_LINK_TAGS.unsubscribe]: 'https://bin.example/unsubscribe?token=u-m1-burglary' },
      { [EMAIL_LINK_TAGS.preferences]: 'https://bin.example/preferences?token=p-m2', [EMAIL_LINK_TAGS.unsubscribe]: 'https://bin.example/unsubscribe?token=u-m2-burglary' },
    ]);
  });

  it('the List-Unsubscribe URL and the footer’s unsubscribe link are the same', async () => {
    await sender.send([delivery('m1', 'a@x.be')], burglary, fence);
    const [recipient] = batches[0].recipients;
    expect(recipient.headers!['List-Unsubscribe']).toBe(`<${recipient.substitutions![EMAIL_LINK_TAGS.unsubscribe]}>`);
  });

  it('offers no unsubscribe for a mandatory category, only the preference centre', async () => {
    await sender.send([delivery('m1', 'a@x.be')], { ...content, category: 'missing_person', categoryRule: 'mandatory' }, fence);
    const [batch] = batches;
    expect(batch.recipients[0].headers).toBeUndefined();
    expect(batch.recipients[0].substitutions).toEqual({ [EMAIL_LINK_TAGS.preferences]: 'https://bin.example/preferences?token=p-m1' });
    expect(`${batch.text}${batch.html}`).not.toContain(EMAIL_LINK_TAGS.unsubscribe);
  });

  it('sends neither headers nor footer links when it has no links to sign', async () => {
    await new EmailChannelSender(email, limiter, settings).send([delivery('m1', 'a@x.be')], burglary, fence);
    expect(batches[0].recipients).toEqual([{ deliveryId: 'm1', to: 'a@x.be' }]);
    expect(batches[0].text).not.toContain('{{');
  });
});

describe('EmailChannelSender tokens of the shared SendGrid limit', () => {
  const sent: EmailBatch[] = [];
  const settings = { sendConcurrency: 4, sendgridRequestsPerSecond: 10, retryPolicy: { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1 } } as DispatchSettings;
  const content = { alertId: 'a1', urgency: 'normal' as const, redistributionAllowed: true, texts: { nl: { title: 'T', body: 'B' }, fr: { title: 'T', body: 'B' } } };
  const chunk = [
    delivery('1', 'a@x.be'),
    { ...delivery('2', 'b@x.be'), language: 'fr' as const },
    delivery('3', 'A@x.be'), // the same address as 1: a request of its own
  ];

  const email = {
    sendBatch: async (batch: EmailBatch) => {
      sent.push(batch);
      return { providerId: `m${sent.length}` };
    },
  };

  beforeEach(() => (sent.length = 0));

  it('takes the tokens of all of a chunk’s requests in one call to the bucket, one per request', async () => {
    const acquire = jest.fn(async () => undefined);
    const outcomes = await new EmailChannelSender(email, { acquire } as unknown as ProviderRateLimiter, settings).send(chunk, content, fence);
    expect(sent).toHaveLength(3);
    expect(acquire.mock.calls).toEqual([[{ name: 'sendgrid:mail-send', perSecond: 10 }, 3, 'normal']]);
    expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted', 'accepted']);
  });

  it('takes a token of its own for each retry, and holds nothing back when the chunk’s take fails', async () => {
    const acquire = jest.fn<Promise<void>, unknown[]>().mockRejectedValueOnce(new RateLimiterUnavailableError('redis away')).mockResolvedValue(undefined);
    const outcomes = await new EmailChannelSender(email, { acquire } as unknown as ProviderRateLimiter, settings).send(chunk, content, fence);
    // The failed take reaches each request's first attempt; each retry takes one token and sends.
    expect(acquire.mock.calls.map((c) => c[1])).toEqual([3, 1, 1, 1]);
    expect(sent).toHaveLength(3);
    expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted', 'accepted']);
  });

  /** The order of the token take, the fence's admissions and the requests, as one list. */
  function recorded() {
    const events: string[] = [];
    const acquire = jest.fn(async () => {
      events.push('tokens');
    });
    const admitToProvider = jest.fn(async (ids: string[]) => {
      events.push(`admit ${ids.join(',')}`);
      return ids;
    });
    const recording = {
      sendBatch: (batch: EmailBatch) => {
        events.push(`send ${batch.recipients.map((r) => r.deliveryId).join(',')}`);
        return email.sendBatch(batch);
      },
    };
    const sender = (s: DispatchSettings) => new EmailChannelSender(recording, { acquire } as unknown as ProviderRateLimiter, s);
    return { events, admitToProvider, sender, fence: new LeaseFence({ admitToProvider }, 'holder', 60_000) };
  }

  it('admits the recipients of the requests that start together in one statement, after their tokens', async () => {
    const { events, admitToProvider, sender, fence: recordingFence } = recorded();
    const outcomes = await sender({ ...settings, sendConcurrency: 12 }).send(chunk, content, recordingFence); // three requests in flight
    expect(outcomes.map((o) => o.status)).toEqual(['accepted', 'accepted', 'accepted']);
    // One renewal for the chunk's three requests, between the token wait and the first request.
    expect(admitToProvider).toHaveBeenCalledTimes(1);
    expect(events.slice(0, 2)).toEqual(['tokens', 'admit 1,3,2']);
    expect(events.slice(2).sort()).toEqual(['send 1', 'send 2', 'send 3']);
  });

  it('admits a request that waits for a free slot only right before it starts', async () => {
    const { events, sender, fence: recordingFence } = recorded();
    // sendConcurrency 4: one request at a time; a crash before a later one starts leaves its e-mails unmarked.
    await sender(settings).send(chunk, content, recordingFence);
    expect(events).toEqual(['tokens', 'admit 1', 'send 1', 'admit 3', 'send 3', 'admit 2', 'send 2']);
  });
});

describe('EmailChannelSender recipients in requests at once', () => {
  const settings = { sendConcurrency: 16, sendgridRequestsPerSecond: 1000, retryPolicy: DEFAULT_RETRY_POLICY } as DispatchSettings;
  const limiter = { acquire: async () => undefined } as unknown as ProviderRateLimiter;
  const content = (urgency: 'normal' | 'urgent') => ({ alertId: 'a1', urgency, redistributionAllowed: true, texts: { nl: { title: 'T', body: 'B' } } });
  const chunkOf = (name: string, size = 1000) => Array.from({ length: size }, (_, i) => delivery(`${name}-${i}`, `${name}-${i}@x.be`));

  it('holds at most EMAIL_RECIPIENTS_IN_FLIGHT recipients in SendGrid requests, however many chunks are in flight', async () => {
    // Eight partitions at once, three chunks of 1,000 each, in both lanes: 48,000 recipients
    // without a bound, the heap the e-mail dispatcher's RSS grew with at 1,000,000 members.
    let inRequests = 0;
    let most = 0;
    const email = {
      sendBatch: async (batch: EmailBatch) => {
        inRequests += batch.recipients.length;
        most = Math.max(most, inRequests);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inRequests -= batch.recipients.length;
        return { providerId: 'm' };
      },
    };
    const sender = new EmailChannelSender(email, limiter, settings);
    const chunks = Array.from({ length: 48 }, (_, i) => sender.send(chunkOf(`c${i}`), content(i % 2 === 0 ? 'normal' : 'urgent'), fence));
    const outcomes = (await Promise.all(chunks)).flat();
    expect(outcomes).toHaveLength(48_000);
    expect(outcomes.every((o) => o.status === 'accepted')).toBe(true);
    expect(most).toBeLessThanOrEqual(EMAIL_RECIPIENTS_IN_FLIGHT);
    expect(most).toBeGreaterThanOrEqual(EMAIL_RECIPIENTS_IN_FLIGHT / 2); // still several chunks side by side
  });

  it('does not hold back small chunks: many jobs of a few dozen e-mails still send side by side', async () => {
    let inFlight = 0;
    let most = 0;
    const email = {
      sendBatch: async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight--;
        return { providerId: 'm' };
      },
    };
    const sender = new EmailChannelSender(email, limiter, settings);
    await Promise.all(Array.from({ length: 24 }, (_, i) => sender.send(chunkOf(`s${i}`, 40), content('normal'), fence)));
    expect(most).toBe(24);
  });
});
