import { DEFAULT_RETRY_POLICY } from '@bin-alert/domain';
import type { EmailBatch } from '@bin-alert/providers';
import type { DispatchSettings } from './dispatch-settings';
import { EmailChannelSender, spreadSharedAddresses } from './email-channel.sender';
import type { ProviderRateLimiter } from './provider-rate-limiter';

const delivery = (id: string, to: string) => ({ id, memberId: id, language: 'nl' as const, to, inDoubtSince: null });

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

describe('EmailChannelSender List-Unsubscribe', () => {
  const batches: EmailBatch[] = [];
  const email = { sendBatch: async (batch: EmailBatch) => (batches.push(batch), { providerId: 'm1' }) };
  const limiter = { acquire: async () => undefined } as unknown as ProviderRateLimiter;
  const settings = { sendConcurrency: 4, sendgridRequestsPerSecond: 10, retryPolicy: DEFAULT_RETRY_POLICY } as DispatchSettings;
  const sender = new EmailChannelSender(email, limiter, settings, (memberId, category) => `https://bin.example/v1/unsubscribe?token=${memberId}-${category}`);
  const content = { alertId: 'a1', urgency: 'normal' as const, redistributionAllowed: true, texts: { nl: { title: 'T', body: 'B' } } };

  beforeEach(() => (batches.length = 0));

  it('gives each recipient their own one-click unsubscribe for the alert’s category', async () => {
    await sender.send([delivery('m1', 'a@x.be'), delivery('m2', 'b@x.be')], { ...content, category: 'burglary', categoryRule: 'opt_out' });
    expect(batches[0].recipients.map((r) => r.headers)).toEqual([
      { 'List-Unsubscribe': '<https://bin.example/v1/unsubscribe?token=m1-burglary>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      { 'List-Unsubscribe': '<https://bin.example/v1/unsubscribe?token=m2-burglary>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    ]);
  });

  it('offers none for a mandatory category', async () => {
    await sender.send([delivery('m1', 'a@x.be')], { ...content, category: 'missing_person', categoryRule: 'mandatory' });
    expect(batches[0].recipients[0].headers).toBeUndefined();
  });
});
