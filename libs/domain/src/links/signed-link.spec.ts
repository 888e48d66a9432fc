import { LinkSigner } from './signed-link';

describe('LinkSigner', () => {
  const signer = new LinkSigner('a-test-secret-of-at-least-32-characters!');
  const now = new Date('2026-11-29T12:00:00Z');
  const member = '6f1d3c4e-8a2b-4c1d-9e0f-123456789abc';

  it('round-trips the claims of a link', () => {
    const token = signer.sign({ purpose: 'subscribe', memberId: member, category: 'covid' }, now);
    const verdict = signer.verify(token, 'subscribe', now);
    expect(verdict).toEqual({ ok: true, claims: { purpose: 'subscribe', memberId: member, category: 'covid', expiresAt: expect.any(Number) } });
  });

  it('refuses a link after it expired', () => {
    const token = signer.sign({ purpose: 'preferences', memberId: member }, now, 60);
    expect(signer.verify(token, 'preferences', new Date(now.getTime() + 59_000)).ok).toBe(true);
    expect(signer.verify(token, 'preferences', new Date(now.getTime() + 60_000))).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a link signed with another secret', () => {
    const other = new LinkSigner('another-secret-of-at-least-32-characters');
    expect(signer.verify(other.sign({ purpose: 'resign', memberId: member }, now), 'resign', now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a link whose payload was changed', () => {
    const token = signer.sign({ purpose: 'unsubscribe', memberId: member, category: 'covid' }, now);
    const [, mac] = token.split('.');
    const forged = Buffer.from(`u.${member}.missing_person..zzzzzz`).toString('base64url');
    expect(signer.verify(`${forged}.${mac}`, 'unsubscribe', now)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a link used for another purpose than it was made for', () => {
    const token = signer.sign({ purpose: 'unsubscribe', memberId: member, category: 'covid' }, now);
    expect(signer.verify(token, 'resign', now)).toEqual({ ok: false, reason: 'wrong_purpose' });
  });

  it.each([undefined, '', 'abc', 'a.b.c', 'x'.repeat(600), '!!.??'])('refuses the malformed token %p', (token) => {
    expect(signer.verify(token, 'preferences', now)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a short secret', () => {
    expect(() => new LinkSigner('short')).toThrow('at least 32 characters');
  });
});
