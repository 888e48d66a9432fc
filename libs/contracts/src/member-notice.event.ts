import { z } from 'zod';
import { MEMBER_NOTICE_KINDS } from '@bin-alert/domain';

/**
 * Published on bin.member-notices.v1 for each message to one member about their membership.
 * Names the notice row only: the address, the link and the code are made by the dispatcher that
 * sends it, so neither the outbox nor Kafka ever holds contact data or a secret.
 */
export const memberNoticeV1 = z.object({
  type: z.literal('member.notice'),
  version: z.literal(1),
  noticeId: z.string().uuid(),
  kind: z.enum(MEMBER_NOTICE_KINDS),
  memberId: z.string().uuid(),
});

export type MemberNoticeV1 = z.infer<typeof memberNoticeV1>;

/** Which dispatcher sends a kind of notice. */
export const NOTICE_CHANNEL = { category_invitation: 'email', email_confirmation: 'email', sms_code: 'sms', preferences_link: 'email', voice_code: 'voice' } as const;
