import type { Language, MemberNoticeKind, MembershipRole, MembershipStatus } from '@bin-alert/domain';
export { pseudonymFor } from '@bin-alert/domain';
export type { Language, MemberNoticeKind, MembershipRole, MembershipStatus };

/** The shape of bin.member-notices.v1 (libs/contracts), which persistence may not import. */
export interface MemberNoticeV1Like {
  type: 'member.notice';
  version: 1;
  noticeId: string;
  kind: MemberNoticeKind;
  memberId: string;
}
