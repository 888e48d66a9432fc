import { RECONCILABLE_STATUSES, ReconciliationCheck, ReconciliationPolicy, decideReconciliation, reconciliationWaitSeconds } from './reconciliation';

const policy: ReconciliationPolicy = { afterSeconds: 300, retrySeconds: 60, maxRetrySeconds: 600, maxChecks: 5 };
const now = new Date('2026-12-06T12:00:00Z');
const check = (over: Partial<ReconciliationCheck>): ReconciliationCheck => ({ channel: 'sms', status: 'accepted', check: 1, answer: { kind: 'no_answer' }, now, ...over });
const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);

describe('decideReconciliation', () => {
  it('looks at the statuses a callback can still end, past the dispatcher’s sending', () => {
    expect([...RECONCILABLE_STATUSES].sort()).toEqual(['accepted', 'answered', 'deferred', 'sent']);
  });

  it('reports a final SMS status and ends', () => {
    expect(decideReconciliation(check({ answer: { kind: 'status', providerStatus: 'delivered' } }), policy)).toEqual({
      report: { status: 'delivered' },
      askAgainAt: null,
      ended: 'reported_final',
    });
    expect(decideReconciliation(check({ status: 'sent', answer: { kind: 'status', providerStatus: 'undelivered', errorCode: '30003' } }), policy).report).toEqual({
      status: 'undelivered',
      reason: 'unreachable_handset',
      errorCode: '30003',
    });
  });

  it('reports a final call status, machine answers included', () => {
    const decision = decideReconciliation(
      check({ channel: 'voice', status: 'sent', answer: { kind: 'status', providerStatus: 'completed', answeredBy: 'machine_end_beep' } }),
      policy,
    );
    expect(decision).toEqual({ report: { status: 'delivered', reason: 'answered_by_machine' }, askAgainAt: null, ended: 'reported_final' });
    expect(decideReconciliation(check({ channel: 'voice', answer: { kind: 'status', providerStatus: 'no-answer' } }), policy).report?.status).toBe('no_answer');
  });

  it('asks again later, with a doubling wait, while the provider still has it on its way', () => {
    expect(decideReconciliation(check({ answer: { kind: 'status', providerStatus: 'queued' } }), policy)).toEqual({ report: null, askAgainAt: at(60), ended: null });
    expect(decideReconciliation(check({ check: 2, answer: { kind: 'status', providerStatus: 'sending' } }), policy).askAgainAt).toEqual(at(120));
    // A progress status that moves the delivery on is reported meanwhile.
    expect(decideReconciliation(check({ check: 3, answer: { kind: 'status', providerStatus: 'sent' } }), policy)).toEqual({
      report: { status: 'sent' },
      askAgainAt: at(240),
      ended: null,
    });
    expect(decideReconciliation(check({ status: 'sent', check: 4, answer: { kind: 'status', providerStatus: 'sent' } }), policy)).toEqual({
      report: null,
      askAgainAt: at(480),
      ended: null,
    });
  });

  it('asks again when the lookup got no answer', () => {
    expect(decideReconciliation(check({ answer: { kind: 'no_answer' } }), policy)).toEqual({ report: null, askAgainAt: at(60), ended: null });
  });

  it('never reports anything for an id the provider does not know', () => {
    expect(decideReconciliation(check({ answer: { kind: 'unknown' } }), policy)).toEqual({ report: null, askAgainAt: null, ended: 'unknown_at_provider' });
  });

  it('gives up after the last lookup, saying why', () => {
    expect(decideReconciliation(check({ check: 5, answer: { kind: 'no_answer' } }), policy)).toEqual({ report: null, askAgainAt: null, ended: 'provider_unreachable' });
    expect(decideReconciliation(check({ check: 5, answer: { kind: 'status', providerStatus: 'sent' } }), policy)).toEqual({
      report: { status: 'sent' },
      askAgainAt: null,
      ended: 'still_pending_at_provider',
    });
    // A final answer on the last lookup is reported all the same.
    expect(decideReconciliation(check({ check: 5, answer: { kind: 'status', providerStatus: 'failed' } }), policy).ended).toBe('reported_final');
  });

  it('treats a status it does not know as still pending', () => {
    expect(decideReconciliation(check({ answer: { kind: 'status', providerStatus: 'receiving' } }), policy)).toEqual({ report: null, askAgainAt: at(60), ended: null });
  });

  it('caps the wait', () => {
    expect([1, 2, 3, 4, 5, 50].map((n) => reconciliationWaitSeconds(n, policy))).toEqual([60, 120, 240, 480, 600, 600]);
  });
});
