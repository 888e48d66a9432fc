import { AccessTokenVerifier } from './access-token-verifier';
import { AccessTokenSettings, signAccessToken } from './access-token';
import { principalFromClaims } from './oidc-token';

const claims = { role: 'realm_access.roles', zone: 'police_zone', bins: 'bins' };

describe('principalFromClaims', () => {
  it('reads role, zone and BINs from the configured claims, however nested', () => {
    expect(principalFromClaims({ sub: 'u1', realm_access: { roles: ['offline_access', 'supervisor'] }, police_zone: 'aalst' }, claims)).toEqual({
      accountId: 'u1',
      role: 'supervisor',
      policeZone: 'aalst',
      binIds: [],
    });
    expect(principalFromClaims({ sub: 'u2', realm_access: { roles: 'board' }, bins: 'herdersem moorsel' }, claims).binIds).toEqual(['herdersem', 'moorsel']);
    expect(principalFromClaims({ sub: 'u3', realm_access: { roles: ['board'] }, bins: ['herdersem'] }, claims).binIds).toEqual(['herdersem']);
  });

  it.each([
    [{ sub: 'u', realm_access: { roles: ['viewer'] } }, 'claim realm_access.roles: no role of operator, supervisor, board, admin'],
    [{ sub: 'u' }, 'claim realm_access.roles: no role'],
    [{ sub: 'u', realm_access: { roles: ['operator', 'admin'] } }, 'claim realm_access.roles: more than one role (operator, admin)'],
  ])('refuses claims without exactly one staff role: %j', (payload, reason) => {
    expect(() => principalFromClaims(payload, claims)).toThrow(reason);
  });
});

describe('AccessTokenVerifier', () => {
  const local: AccessTokenSettings = { secret: 's'.repeat(32), issuer: 'bin-alert', audience: 'bin-alert-api', ttlSeconds: 60 };

  it('verifies the installation’s own HS256 tokens', async () => {
    const principal = { accountId: 'a', role: 'admin' as const, binIds: [] };
    await expect(new AccessTokenVerifier(local).verify(signAccessToken(principal, local))).resolves.toEqual({ ...principal, policeZone: undefined });
  });

  it('refuses RS256 tokens when no identity provider is configured', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'k' })).toString('base64url');
    await expect(new AccessTokenVerifier(local).verify(`${header}.e30.c2ln`)).rejects.toThrow('algorithm RS256 not accepted');
  });
});
