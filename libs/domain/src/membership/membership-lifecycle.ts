import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ErrorCode } from '../errors/domain-error';
import { MembershipRole } from '../vocabulary';

/**
 * One membership (a person in one BIN), from the seed's procedure:
 *   applied   → the form was sent; the contacts given on it are being confirmed
 *   active    ← a board member of that BIN approved, once every contact given is confirmed
 *   refused   ← a board member of that BIN turned the application down
 *   resigned  ← the member (signed link) or a board member of that BIN; a board member only
 *               through the police of the zone, who then inform FOD Binnenlandse Zaken
 * Only active memberships receive alerts.
 */
export const MEMBERSHIP_STATUSES = ['applied', 'active', 'refused', 'resigned'] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];

/** A step refused with its code: the wrong state for it, or the wrong person to take it. */
export type LifecycleVerdict = { ok: true } | { ok: false; code: Extract<ErrorCode, 'membership.invalid_transition' | 'membership.board_resigns_through_police'>; reason: string };

const OK: LifecycleVerdict = { ok: true };

export function canApprove(membership: { status: MembershipStatus }, contacts: Array<{ verified: boolean }>): LifecycleVerdict {
  if (membership.status !== 'applied') return { ok: false, code: 'membership.invalid_transition', reason: `the membership is ${membership.status}, not applied` };
  if (contacts.length === 0 || contacts.some((c) => !c.verified))
    return { ok: false, code: 'membership.invalid_transition', reason: 'the applicant has not confirmed every contact given yet' };
  return OK;
}

export function canRefuse(membership: { status: MembershipStatus }): LifecycleVerdict {
  return membership.status === 'applied' ? OK : { ok: false, code: 'membership.invalid_transition', reason: `the membership is ${membership.status}, not applied` };
}

/** Who may end a membership: the member themself, the BIN's board (members only), the police (board members). */
export type Resigner = 'self' | 'board' | 'police';

export function canResign(membership: { status: MembershipStatus; role: MembershipRole }, by: Resigner): LifecycleVerdict {
  if (membership.status === 'resigned' || membership.status === 'refused')
    return { ok: false, code: 'membership.invalid_transition', reason: `the membership is already ${membership.status}` };
  if (membership.role === 'board' && by === 'board') {
    return { ok: false, code: 'membership.board_resigns_through_police', reason: 'a board member resigns through the police of the zone, who inform FOD Binnenlandse Zaken' };
  }
  return OK;
}

/** A board member's resignation is reported to the federal Interior ministry (seed, point 15). */
export function mustNotifyInterior(membership: { role: MembershipRole }): boolean {
  return membership.role === 'board';
}

/** What replaces a resigned member's name: stable per member, says nothing about them. */
export function pseudonymFor(memberId: string): string {
  return `former-member-${memberId.replace(/-/g, '').slice(0, 12)}`;
}

/** SMS confirmation codes: six digits, valid for a short time, a few tries. */
export const VERIFICATION_CODE_POLICY = { digits: 6, lifetimeSeconds: 15 * 60, maxAttempts: 5 } as const;

/**
 * Codes are stored as HMAC(secret, contact id + code): a database dump reveals no code, and a
 * code is bound to the contact point it was sent to.
 */
export function hashVerificationCode(secret: string, contactId: string, code: string): string {
  return createHmac('sha256', secret).update(`${contactId}:${code}`).digest('hex');
}

export interface StoredVerificationCode {
  contactId: string;
  codeHash: string;
  expiresAt: Date;
  attempts: number;
}

export type CodeVerdict = 'confirmed' | 'wrong_code' | 'expired' | 'too_many_attempts';

/** Checks a code a member typed; every call counts as an attempt, also a right one after the limit. */
export function checkVerificationCode(stored: StoredVerificationCode, given: string, secret: string, now: Date): CodeVerdict {
  if (stored.attempts >= VERIFICATION_CODE_POLICY.maxAttempts) return 'too_many_attempts';
  if (stored.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (!/^\d{6}$/.test(given)) return 'wrong_code';
  const expected = Buffer.from(stored.codeHash, 'hex');
  const actual = Buffer.from(hashVerificationCode(secret, stored.contactId, given), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? 'confirmed' : 'wrong_code';
}
