import type { Principal } from '@bin-alert/domain';
import { AccessTokenError, AccessTokenSettings, tokenAlgorithm, verifyAccessToken } from './access-token';
import { OIDC_ALGORITHMS, OidcSettings, OidcTokenVerifier } from './oidc-token';

/**
 * Every verifier this installation trusts, picked by the token's algorithm: HS256 tokens are its
 * own (signed at login); RS256/ES256 tokens come from the organisation's identity provider when
 * one is configured. A token can never choose a weaker check: an HS256 token is only ever checked
 * with the local secret, never with a public key.
 */
export class AccessTokenVerifier {
  private readonly oidc?: OidcTokenVerifier;

  constructor(
    private readonly local: AccessTokenSettings,
    oidc?: OidcSettings,
  ) {
    this.oidc = oidc ? new OidcTokenVerifier(oidc) : undefined;
  }

  async verify(token: string, now = Date.now()): Promise<Principal> {
    const alg = tokenAlgorithm(token);
    if (alg === 'HS256') return verifyAccessToken(token, this.local, now);
    if (this.oidc && (OIDC_ALGORITHMS as readonly string[]).includes(alg)) return this.oidc.verify(token);
    throw new AccessTokenError(`algorithm ${alg} not accepted`);
  }
}
