import type { AuditEntry, Principal, RequestOrigin } from '@bin-alert/domain';

/**
 * An audit line about a member; `actor` null for the member's (or applicant's) own steps by link
 * or form. Details name members, BINs and categories by id or code, never a name or a contact;
 * keys that read like contact fields (`email`, `contact…`, `to`, `from`) are redacted by the trail.
 */
export function ofMember(actor: Principal | null, action: string, memberId: string, origin: Required<RequestOrigin>, details: Record<string, unknown> = {}): AuditEntry {
  return { actor, action, target: { type: 'member', id: memberId }, details, origin };
}
