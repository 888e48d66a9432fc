import { canApprove, canRefuse, canResign, checkVerificationCode, hashVerificationCode, mustNotifyInterior, pseudonymFor, VERIFICATION_CODE_POLICY } from './membership-lifecycle';

describe('membership lifecycle', () => {
  it('approves an application only once every contact given is confirmed', () => {
    expect(canApprove({ status: 'applied' }, [{ verified: true }, { verified: true }])).toEqual({ ok: true });
    expect(canApprove({ status: 'applied' }, [{ verified: true }, { verified: false }])).toMatchObject({ ok: false, code: 'membership.invalid_transition' });
    expect(canApprove({ status: 'applied' }, [])).toMatchObject({ ok: false, code: 'membership.invalid_transition' });
    expect(canApprove({ status: 'active' }, [{ verified: true }])).toMatchObject({ ok: false, reason: 'the membership is active, not applied' });
  });

  it('refuses only an open application', () => {
    expect(canRefuse({ status: 'applied' })).toEqual({ ok: true });
    expect(canRefuse({ status: 'resigned' }).ok).toBe(false);
  });

  it('lets a member resign themself or through their board', () => {
    expect(canResign({ status: 'active', role: 'member' }, 'self')).toEqual({ ok: true });
    expect(canResign({ status: 'active', role: 'member' }, 'board')).toEqual({ ok: true });
    expect(canResign({ status: 'applied', role: 'member' }, 'self')).toEqual({ ok: true });
  });

  it('lets a board member resign only through the police, who then inform the Interior ministry', () => {
    expect(canResign({ status: 'active', role: 'board' }, 'board')).toMatchObject({ ok: false, code: 'membership.board_resigns_through_police' });
    expect(canResign({ status: 'active', role: 'board' }, 'police')).toEqual({ ok: true });
    expect(mustNotifyInterior({ role: 'board' })).toBe(true);
    expect(mustNotifyInterior({ role: 'member' })).toBe(false);
  });

  it('does not resign twice', () => {
    expect(canResign({ status: 'resigned', role: 'member' }, 'self')).toMatchObject({ ok: false, code: 'membership.invalid_transition' });
  });

  it('gives a stable pseudonym that names nobody', () => {
    const id = '6f1d3c4e-8a2b-4c1d-9e0f-123456789abc';
    expect(pseudonymFor(id)).toBe('former-member-6f1d3c4e8a2b');
    expect(pseudonymFor(id)).toBe(pseudonymFor(id));
  });
});

describe('SMS confirmation codes', () => {
  const secret = 'a-test-secret-of-at-least-32-characters!';
  const now = new Date('2026-11-29T12:00:00Z');
  const stored = { contactId: 'c1', codeHash: hashVerificationCode(secret, 'c1', '123456'), expiresAt: new Date(now.getTime() + 60_000), attempts: 0 };

  it('confirms the right code and refuses a wrong one', () => {
    expect(checkVerificationCode(stored, '123456', secret, now)).toBe('confirmed');
    expect(checkVerificationCode(stored, '654321', secret, now)).toBe('wrong_code');
    expect(checkVerificationCode(stored, 'abc', secret, now)).toBe('wrong_code');
  });

  it('binds the code to its contact point', () => {
    expect(checkVerificationCode({ ...stored, contactId: 'c2' }, '123456', secret, now)).toBe('wrong_code');
  });

  it('refuses an expired code', () => {
    expect(checkVerificationCode(stored, '123456', secret, new Date(now.getTime() + 60_000))).toBe('expired');
  });

  it('refuses even the right code after too many attempts', () => {
    expect(checkVerificationCode({ ...stored, attempts: VERIFICATION_CODE_POLICY.maxAttempts }, '123456', secret, now)).toBe('too_many_attempts');
  });
});
