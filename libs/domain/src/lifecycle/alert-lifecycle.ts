import { Principal } from '../access/principal';
import type { ErrorCode } from '../errors/domain-error';
import { AlertKind, AlertState, ApprovalPolicy, MessageType, ShownAlertStatus, Urgency } from '../vocabulary';

/** What the approval policy looks at. */
export interface ApprovalSubject {
  urgency: Urgency;
  messageType: MessageType;
  binIds: readonly string[];
  /** Every BIN of the police zone the alert is for: an alert to all of them is zone-wide. */
  zoneBinIds: readonly string[];
}

/**
 * Whether a second person (a supervisor other than the author) must approve before the alert
 * goes out. A cancel never waits: "person found" must reach people at once, and a withdrawn
 * message does less harm than one left standing (the Hawaii false alarm took 38 minutes to
 * correct). An update follows the policy like an alert.
 */
export function approvalRequired(policy: ApprovalPolicy, subject: ApprovalSubject): boolean {
  if (subject.messageType === 'cancel') return false;
  switch (policy) {
    case 'none':
      return false;
    case 'all':
      return true;
    case 'urgent':
      return subject.urgency === 'urgent';
    case 'zone_wide':
      return isZoneWide(subject.binIds, subject.zoneBinIds);
  }
}

export function isZoneWide(binIds: readonly string[], zoneBinIds: readonly string[]): boolean {
  return zoneBinIds.length > 0 && zoneBinIds.every((id) => binIds.includes(id));
}

/** A refused step: the principal may not take it, or the alert is not in a state it starts from. */
export type LifecycleRefusal = { code: Extract<ErrorCode, 'alert.not_allowed' | 'alert.invalid_transition'>; reason: string };

/**
 * What a principal may ask for when composing: police may issue (subject to approval); a board
 * member may only propose a non-urgent alert, which stays a draft until the police issue it.
 */
export function compositionRefusal(principal: Principal, request: { urgency: Urgency; messageType: MessageType; asDraft: boolean }): LifecycleRefusal | null {
  if (principal.role !== 'board') return null;
  if (request.urgency === 'urgent') return { code: 'alert.not_allowed', reason: 'a board member may propose non-urgent alerts only' };
  if (request.messageType !== 'alert') return { code: 'alert.not_allowed', reason: 'a board member may not update or cancel an alert' };
  if (!request.asDraft) return { code: 'alert.not_allowed', reason: 'a board member may propose a draft only (send it with "draft": true); the police issue it' };
  return null;
}

export interface LifecycleAlert {
  state: AlertState;
  createdBy: string | null;
  submittedBy: string | null;
  expiresAt: Date | null;
}

/** Issuing a draft (after a board proposal, or the operator's own draft). */
export function submitRefusal(alert: LifecycleAlert, now: Date): LifecycleRefusal | null {
  if (alert.state !== 'draft') return { code: 'alert.invalid_transition', reason: `the alert is ${alert.state}, not a draft` };
  if (isExpired(alert, now)) return { code: 'alert.invalid_transition', reason: 'the alert expired before it was issued' };
  return null;
}

/**
 * Four eyes: only a supervisor, and never the person who wrote or submitted the alert, may
 * approve it; an alert past its expiry is not approved.
 */
export function approvalRefusal(alert: LifecycleAlert, approver: Principal, now: Date): LifecycleRefusal | null {
  if (approver.role !== 'supervisor') return { code: 'alert.not_allowed', reason: 'only a supervisor may approve an alert' };
  if (approver.accountId === alert.createdBy || approver.accountId === alert.submittedBy) {
    return { code: 'alert.not_allowed', reason: 'the author of an alert may not approve it: a second person must' };
  }
  if (alert.state !== 'awaiting_approval') return { code: 'alert.invalid_transition', reason: `the alert is ${alert.state}, not awaiting approval` };
  if (isExpired(alert, now)) return { code: 'alert.invalid_transition', reason: 'the alert expired before it was approved' };
  return null;
}

/** A supervisor refuses an alert awaiting approval; it is never sent. The author may withdraw it so too. */
export function rejectionRefusal(alert: LifecycleAlert, supervisor: Principal): LifecycleRefusal | null {
  if (supervisor.role !== 'supervisor') return { code: 'alert.not_allowed', reason: 'only a supervisor may reject an alert' };
  if (alert.state !== 'awaiting_approval') return { code: 'alert.invalid_transition', reason: `the alert is ${alert.state}, not awaiting approval` };
  return null;
}

/** An update or a cancel refers to an alert that went out and was not cancelled already. */
export function followUpRefusal(original: { state: AlertState; messageType: MessageType; cancelled: boolean }, messageType: MessageType): LifecycleRefusal | null {
  if (original.state !== 'issued')
    return { code: 'alert.invalid_transition', reason: `the alert referred to is ${original.state}: only an issued alert can be updated or cancelled` };
  if (original.messageType === 'cancel') return { code: 'alert.invalid_transition', reason: 'the alert referred to is a cancel itself' };
  if (original.cancelled)
    return { code: 'alert.invalid_transition', reason: `the alert referred to was cancelled already; it cannot be ${messageType === 'cancel' ? 'cancelled' : 'updated'} again` };
  return null;
}

export function isExpired(alert: { expiresAt: Date | null }, now: Date): boolean {
  return alert.expiresAt !== null && alert.expiresAt.getTime() <= now.getTime();
}

/** The status an operator sees: the stored state, or cancelled / expired once that happened. */
export function shownStatus(alert: { state: AlertState; expiresAt: Date | null; cancelled: boolean }, now: Date): ShownAlertStatus {
  if (alert.state === 'issued' && alert.cancelled) return 'cancelled';
  if (isExpired(alert, now)) return 'expired';
  return alert.state;
}

/** Test and exercise alerts reach the test group only. */
export function reachesTestGroupOnly(kind: AlertKind): boolean {
  return kind !== 'actual';
}
