import { Principal } from '../access/principal';
import { approvalRefusal, approvalRequired, compositionRefusal, followUpRefusal, rejectionRefusal, shownStatus, submitRefusal } from './alert-lifecycle';

const zone = ['herdersem', 'moorsel', 'mijlbeek'];
const who = (role: Principal['role'], accountId = `${role}-1`): Principal => ({ accountId, role, policeZone: 'aalst', binIds: role === 'board' ? ['herdersem'] : [] });
const now = new Date('2026-11-29T12:00:00Z');

describe('approvalRequired', () => {
  const alert = (urgency: 'urgent' | 'normal', binIds = ['herdersem'], messageType: 'alert' | 'update' | 'cancel' = 'alert') => ({
    urgency,
    binIds,
    zoneBinIds: zone,
    messageType,
  });
  it.each([
    ['none', alert('urgent', zone), false],
    ['all', alert('normal'), true],
    ['urgent', alert('urgent'), true],
    ['urgent', alert('normal', zone), false],
    ['zone_wide', alert('normal', zone), true],
    ['zone_wide', alert('urgent', ['herdersem', 'moorsel']), false],
    ['all', alert('normal', zone, 'update'), true],
    ['all', alert('urgent', zone, 'cancel'), false],
  ] as const)('policy %s, %j → %s', (policy, subject, expected) => {
    expect(approvalRequired(policy, subject)).toBe(expected);
  });
});

describe('compositionRefusal', () => {
  it('lets police compose anything', () => {
    expect(compositionRefusal(who('operator'), { urgency: 'urgent', messageType: 'cancel', asDraft: false })).toBeNull();
  });
  it('lets a board member propose a non-urgent draft only', () => {
    expect(compositionRefusal(who('board'), { urgency: 'normal', messageType: 'alert', asDraft: true })).toBeNull();
    expect(compositionRefusal(who('board'), { urgency: 'urgent', messageType: 'alert', asDraft: true })?.reason).toContain('non-urgent');
    expect(compositionRefusal(who('board'), { urgency: 'normal', messageType: 'alert', asDraft: false })?.reason).toContain('draft only');
    expect(compositionRefusal(who('board'), { urgency: 'normal', messageType: 'cancel', asDraft: true })?.code).toBe('alert.not_allowed');
  });
});

describe('approvalRefusal (four eyes)', () => {
  const waiting = { state: 'awaiting_approval' as const, createdBy: 'operator-1', submittedBy: 'operator-1', expiresAt: null };
  it('lets another supervisor approve', () => {
    expect(approvalRefusal(waiting, who('supervisor', 'sup-2'), now)).toBeNull();
  });
  it('refuses the author, even a supervisor', () => {
    expect(approvalRefusal({ ...waiting, createdBy: 'sup-2', submittedBy: 'sup-2' }, who('supervisor', 'sup-2'), now)).toEqual({
      code: 'alert.not_allowed',
      reason: 'the author of an alert may not approve it: a second person must',
    });
    expect(approvalRefusal({ ...waiting, createdBy: 'board-1', submittedBy: 'sup-2' }, who('supervisor', 'sup-2'), now)?.code).toBe('alert.not_allowed');
  });
  it('refuses an operator', () => {
    expect(approvalRefusal(waiting, who('operator', 'op-9'), now)?.reason).toBe('only a supervisor may approve an alert');
  });
  it('refuses an alert in another state or past its expiry', () => {
    expect(approvalRefusal({ ...waiting, state: 'issued' }, who('supervisor', 's'), now)?.code).toBe('alert.invalid_transition');
    expect(approvalRefusal({ ...waiting, expiresAt: new Date('2026-11-29T11:59:59Z') }, who('supervisor', 's'), now)?.reason).toContain('expired');
  });
});

describe('rejectionRefusal', () => {
  const waiting = { state: 'awaiting_approval' as const, createdBy: 'sup-2', submittedBy: 'sup-2', expiresAt: null };
  it('lets any supervisor reject, the author too (a withdrawal)', () => {
    expect(rejectionRefusal(waiting, who('supervisor', 'sup-2'))).toBeNull();
    expect(rejectionRefusal(waiting, who('supervisor', 'sup-3'))).toBeNull();
  });
  it('refuses an operator and an alert not awaiting approval', () => {
    expect(rejectionRefusal(waiting, who('operator'))?.code).toBe('alert.not_allowed');
    expect(rejectionRefusal({ ...waiting, state: 'issued' }, who('supervisor'))?.code).toBe('alert.invalid_transition');
  });
});

describe('submitRefusal', () => {
  it('issues drafts only, before their expiry', () => {
    const draft = { state: 'draft' as const, createdBy: 'b', submittedBy: null, expiresAt: null };
    expect(submitRefusal(draft, now)).toBeNull();
    expect(submitRefusal({ ...draft, state: 'issued' }, now)?.code).toBe('alert.invalid_transition');
    expect(submitRefusal({ ...draft, expiresAt: now }, now)?.reason).toContain('expired');
  });
});

describe('followUpRefusal', () => {
  it('updates and cancels issued alerts only, once cancelled never again', () => {
    expect(followUpRefusal({ state: 'issued', messageType: 'alert', cancelled: false }, 'cancel')).toBeNull();
    expect(followUpRefusal({ state: 'draft', messageType: 'alert', cancelled: false }, 'update')?.code).toBe('alert.invalid_transition');
    expect(followUpRefusal({ state: 'issued', messageType: 'alert', cancelled: true }, 'cancel')?.reason).toContain('cancelled already');
    expect(followUpRefusal({ state: 'issued', messageType: 'cancel', cancelled: false }, 'update')?.code).toBe('alert.invalid_transition');
  });
});

describe('shownStatus', () => {
  it('derives cancelled and expired', () => {
    expect(shownStatus({ state: 'issued', expiresAt: null, cancelled: false }, now)).toBe('issued');
    expect(shownStatus({ state: 'issued', expiresAt: new Date('2026-11-29T11:00:00Z'), cancelled: false }, now)).toBe('expired');
    expect(shownStatus({ state: 'issued', expiresAt: new Date('2026-11-29T11:00:00Z'), cancelled: true }, now)).toBe('cancelled');
    expect(shownStatus({ state: 'awaiting_approval', expiresAt: new Date('2026-11-29T11:00:00Z'), cancelled: false }, now)).toBe('expired');
    expect(shownStatus({ state: 'draft', expiresAt: null, cancelled: false }, now)).toBe('draft');
  });
});
