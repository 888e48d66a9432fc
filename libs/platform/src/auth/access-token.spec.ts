import { createHmac } from 'node:crypto';
import { AccessTokenError, AccessTokenSettings, signAccessToken, verifyAccessToken } from './access-token';

const settings: AccessTokenSettings = { secret: 'x'.repeat(32), issuer: 'bin-alert', audience: 'bin-alert-api', ttlSeconds: 3600 };
const operator = { accountId: 'acc-1', role: 'operator' as const, policeZone: 'aalst', binIds: [] };
const now = Date.UTC(2026, 10, 29, 12, 0, 0);

function forge(header: object, claims: object, secret = settings.secret): string {
  const h = Buffer.from(JSON.stringify(header)).toString('base64url');
  const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${h}.${p}.${createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')}`;
}

describe('access tokens', () => {
  it('round-trips the principal', () => {
    expect(verifyAccessToken(signAccessToken(operator, settings, now), settings, now)).toEqual(operator);
  });

  it.each([
    ['signed with another secret', () => signAccessToken(operator, { ...settings, secret: 'y'.repeat(32) }, now), 'bad signature'],
    ['expired', () => signAccessToken(operator, settings, now - 3601_000), 'expired'],
    ['for another audience', () => signAccessToken(operator, { ...settings, audience: 'other' }, now), 'audience not accepted'],
    ['from another issuer', () => signAccessToken(operator, { ...settings, issuer: 'other' }, now), 'issuer not accepted'],
    ['with alg none', () => forge({ alg: 'none' }, {}), 'algorithm none not accepted'],
    ['with an unknown role', () => forge({ alg: 'HS256' }, { sub: 'a', role: 'root', iss: 'bin-alert', aud: 'bin-alert-api', exp: now / 1000 + 60 }), 'claim role'],
    ['that is not a JWT', () => 'abc', 'not a JWT'],
  ])('refuses a token %s', (_what, make, reason) => {
    expect(() => verifyAccessToken(make(), settings, now)).toThrow(AccessTokenError);
    expect(() => verifyAccessToken(make(), settings, now)).toThrow(reason);
  });

  it('refuses a token whose claims were changed after signing', () => {
    const [h, , s] = signAccessToken(operator, settings, now).split('.');
    const tampered = Buffer.from(JSON.stringify({ sub: 'acc-1', role: 'admin', iss: 'bin-alert', aud: 'bin-alert-api', exp: now / 1000 + 60 })).toString('base64url');
    expect(() => verifyAccessToken(`${h}.${tampered}.${s}`, settings, now)).toThrow('bad signature');
  });
});
