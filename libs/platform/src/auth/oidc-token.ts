import { createRemoteJWKSet, errors as joseErrors, jwtVerify, JWTPayload } from 'jose';
import { Principal, STAFF_ROLES, StaffRole } from '@bin-alert/domain';
import { AccessTokenError } from './access-token';

/**
 * An organisation's OIDC identity provider: its signed tokens are verified against the keys it
 * publishes (JWKS), for the configured issuer and audience; the claims named here carry the role,
 * police zone and BINs.
 */
export interface OidcSettings {
  jwksUrl: string;
  issuer: string;
  audience: string;
  /** Dotted paths into the token's claims, e.g. `realm_access.roles`. */
  claims: { role: string; zone: string; bins: string };
}

/** Asymmetric only: a shared secret would let the provider's clients sign tokens too. */
export const OIDC_ALGORITHMS = ['RS256', 'ES256'] as const;

export class OidcTokenVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;

  constructor(private readonly settings: OidcSettings) {
    // Keys are fetched on first use and again when a token names a key id not seen yet.
    this.keys = createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
  }

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: [...OIDC_ALGORITHMS],
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      throw new AccessTokenError(describeJoseError(error));
    }
    return principalFromClaims(payload, this.settings.claims);
  }
}

/** The principal an identity provider's verified claims describe. */
export function principalFromClaims(payload: JWTPayload, claims: OidcSettings['claims']): Principal {
  const roleValue = claimAt(payload, claims.role);
  const offered = (Array.isArray(roleValue) ? roleValue : [roleValue]).filter((r): r is StaffRole => STAFF_ROLES.includes(r as StaffRole));
  if (offered.length === 0) throw new AccessTokenError(`claim ${claims.role}: no role of ${STAFF_ROLES.join(', ')}`);
  // Two roles would make every scope check ambiguous: the provider must give one.
  if (new Set(offered).size > 1) throw new AccessTokenError(`claim ${claims.role}: more than one role (${[...new Set(offered)].join(', ')})`);
  const zone = claimAt(payload, claims.zone);
  const bins = claimAt(payload, claims.bins);
  return {
    accountId: payload.sub!,
    role: offered[0],
    policeZone: typeof zone === 'string' && zone !== '' ? zone : undefined,
    binIds: Array.isArray(bins) ? bins.filter((b): b is string => typeof b === 'string') : typeof bins === 'string' ? bins.split(/[\s,]+/).filter(Boolean) : [],
  };
}

function claimAt(payload: JWTPayload, path: string): unknown {
  return path.split('.').reduce<unknown>((at, key) => (at && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), payload);
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `${error.claim === 'iss' ? 'issuer' : error.claim === 'aud' ? 'audience' : `claim ${error.claim}`} not accepted`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'bad signature';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'signed with a key the identity provider does not publish';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm not accepted';
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JOSEError) return `identity provider token refused (${(error as Error).message})`;
  throw error;
}
