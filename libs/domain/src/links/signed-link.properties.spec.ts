import fc from 'fast-check';
import { LINK_PURPOSES, LinkSigner } from './signed-link';

/** A signed link is accepted exactly as it was signed: any change to it is refused, and nothing makes verify throw. */
const signer = new LinkSigner('a-test-secret-of-at-least-32-characters!');
const now = new Date('2026-11-29T12:00:00Z');

const claims = fc.record({
  purpose: fc.constantFrom(...LINK_PURPOSES),
  memberId: fc.uuid(),
  category: fc.option(fc.constantFrom('covid', 'burglary', 'missing_person'), { nil: undefined }),
  contactId: fc.option(fc.uuid(), { nil: undefined }),
});

/** One change to a token: a character replaced, inserted or removed. */
const mutation = fc.tuple(fc.nat(), fc.constantFrom('replace', 'insert', 'delete'), fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }));

function mutate(token: string, [at, kind, text]: [number, string, string]): string {
  const i = at % (token.length + (kind === 'insert' ? 1 : 0));
  if (kind === 'insert') return token.slice(0, i) + text + token.slice(i);
  if (kind === 'delete') return token.slice(0, i) + token.slice(i + 1);
  return token.slice(0, i) + text + token.slice(i + 1);
}

describe('LinkSigner.verify', () => {
  it('accepts the token it signed, for its purpose, with its claims', () => {
    fc.assert(
      fc.property(claims, (c) => {
        const verdict = signer.verify(signer.sign(c, now), c.purpose, now);
        expect(verdict.ok && verdict.claims).toMatchObject({
          purpose: c.purpose,
          memberId: c.memberId,
          ...(c.category ? { category: c.category } : {}),
          ...(c.contactId ? { contactId: c.contactId } : {}),
        });
      }),
    );
  });

  it('never accepts a mutated token', () => {
    fc.assert(
      fc.property(claims, fc.array(mutation, { minLength: 1, maxLength: 3 }), (c, mutations) => {
        const token = signer.sign(c, now);
        const forged = mutations.reduce(mutate, token);
        fc.pre(forged !== token);
        for (const purpose of LINK_PURPOSES) expect(signer.verify(forged, purpose, now).ok).toBe(false);
      }),
      { numRuns: 2_000 },
    );
  });

  it('answers any string with a verdict, never an exception', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.stringMatching(/^[A-Za-z0-9_-]{0,80}\.[A-Za-z0-9_-]{0,60}$/)), fc.constantFrom(...LINK_PURPOSES), (token, purpose) => {
        const verdict = signer.verify(token, purpose, now);
        if (!verdict.ok) expect(['malformed', 'bad_signature', 'expired', 'wrong_purpose']).toContain(verdict.reason);
      }),
    );
  });
});
