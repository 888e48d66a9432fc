import { StaffRole } from '../vocabulary';

/** Who did it: the caller's account and the role it acted in (a Principal fits). */
export interface AuditActor {
  accountId: string;
  role: StaffRole;
}

/** Where a request came from, as intake saw it. */
export interface RequestOrigin {
  clientIp?: string;
  userAgent?: string;
  correlationId?: string;
}

/**
 * One line of the audit log. `action` reads `<what>.<what happened>` in the domain's words, past
 * tense: `alert.issued`, `account.disabled`, `auth.login_failed`. `details` never needs contact
 * data; whatever looks like a phone number or e-mail address is redacted before it is stored.
 */
export interface AuditEntry {
  /** null when nobody is signed in: a failed login, a command-line bootstrap. */
  actor: AuditActor | null;
  action: string;
  target: { type: string; id?: string | null };
  details?: Record<string, unknown>;
  origin?: RequestOrigin;
}

export const AUDIT_ACTION_FORMAT = /^[a-z][a-z_]*\.[a-z][a-z_]*$/;

/** The actions this codebase records; others add theirs here. */
export const AUDIT_ACTIONS = {
  alertIssued: 'alert.issued',
  alertDrafted: 'alert.drafted',
  alertSubmitted: 'alert.submitted_for_approval',
  alertApproved: 'alert.approved',
  alertRejected: 'alert.rejected',
  loginSucceeded: 'auth.login_succeeded',
  loginFailed: 'auth.login_failed',
  accountCreated: 'account.created',
  accountChanged: 'account.changed',
  accountDisabled: 'account.disabled',
  // Membership (ADR 0011): the target is the member unless said otherwise.
  membershipApplied: 'membership.applied',
  emailConfirmed: 'member.email_confirmed',
  mobileConfirmed: 'member.mobile_confirmed',
  phoneConfirmed: 'member.phone_confirmed',
  /** A member gave a new phone for calls in the preference centre (details name no number). */
  phoneChanged: 'member.phone_changed',
  membershipApproved: 'membership.approved',
  membershipRefused: 'membership.refused',
  membershipResigned: 'membership.resigned',
  memberErased: 'member.erased',
  interiorNotificationRecorded: 'interior_notification.recorded',
  interiorNotificationSent: 'interior_notification.sent',
  categoryRuleSwitched: 'category.rule_switched',
  categoryCampaignStarted: 'category_campaign.started',
  preferencesChanged: 'preferences.changed',
  unsubscribed: 'preferences.unsubscribed',
} as const;
