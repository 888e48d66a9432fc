import { DEFAULT_RETRY_POLICY, LinkPurpose, LinkSigner, MEMBER_PAGE_PATHS, MemberNoticeKind } from '@bin-alert/domain';
import type { ClaimedNotice, MemberNoticeRepository, MembershipRepository } from '@bin-alert/persistence';
import type { EmailBatch } from '@bin-alert/providers';
import type { DispatchSettings } from './dispatch-settings';
import { MemberNoticeSender } from './member-notice.sender';
import type { ProviderRateLimiter } from './provider-rate-limiter';

describe('MemberNoticeSender links', () => {
  const now = new Date('2026-05-12T10:00:00Z');
  const signer = new LinkSigner('s'.repeat(32));
  const batches: EmailBatch[] = [];

  const send = async (kind: MemberNoticeKind): Promise<EmailBatch> => {
    const notice: ClaimedNotice = { id: 'n-1', kind, memberId: 'm-1', language: 'nl', contactId: 'c-1', to: 'an@example.be', categoryCode: 'covid', categoryName: 'COVID-19' };
    const notices = { claim: async () => notice, record: async () => undefined } as unknown as MemberNoticeRepository;
    const sender = new MemberNoticeSender(
      notices,
      {} as MembershipRepository,
      { signer, baseUrl: 'https://bin.example', codeSecret: 's'.repeat(32), clock: () => now },
      { acquire: async () => undefined } as unknown as ProviderRateLimiter,
      { sendgridRequestsPerSecond: 10, retryPolicy: DEFAULT_RETRY_POLICY } as DispatchSettings,
      {
        email: {
          sendBatch: async (batch) => {
            batches.push(batch);
            return { providerId: 'x' };
          },
        },
      },
    );
    batches.length = 0;
    await sender.handle({ noticeId: notice.id } as Parameters<MemberNoticeSender['handle']>[0]);
    return batches[0];
  };

  it.each([
    ['preferences_link', MEMBER_PAGE_PATHS.preferences, 'preferences'],
    ['category_invitation', MEMBER_PAGE_PATHS.subscribe, 'subscribe'],
    ['email_confirmation', MEMBER_PAGE_PATHS.confirmEmail, 'confirm_email'],
  ] as const)('e-mails a %s that opens the page %s with a %s token', async (kind, path, purpose: LinkPurpose) => {
    const mail = await send(kind);
    const url = new URL(/https:\/\/\S+/.exec(mail.text)![0]);
    expect(`${url.origin}${url.pathname}`).toBe(`https://bin.example${path}`);
    expect(signer.verify(url.searchParams.get('token')!, purpose, now)).toMatchObject({ ok: true, claims: { memberId: 'm-1' } });
    expect(mail.html).toContain(`href="https://bin.example${path}?token=`);
  });
});
