import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { Principal, STAFF_ROLES } from '@bin-alert/domain';

/**
 * Bearer access tokens: JWTs signed with HS256 by this installation. The issuer and audience are
 * settings so that tokens from an organisation's own identity provider can be accepted instead.
 */
export interface AccessTokenSettings {
  secret: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export class AccessTokenError extends Error {}

const claimsSchema = z.object({
  sub: z.string().min(1),
  role: z.enum(STAFF_ROLES),
  zone: z.string().min(1).optional(),
  bins: z.array(z.string()).default([]),
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number(),
  iat: z.number().optional(),
});

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

export function signAccessToken(principal: Principal, settings: AccessTokenSettings, now = Date.now()): string {
  const iat = Math.floor(now / 1000);
  const payload = base64url(
    JSON.stringify({
      sub: principal.accountId,
      role: principal.role,
      ...(principal.policeZone ? { zone: principal.policeZone } : {}),
      bins: principal.binIds,
      iss: settings.issuer,
      aud: settings.audience,
      iat,
      exp: iat + settings.ttlSeconds,
    }),
  );
  return `${HEADER}.${payload}.${signature(`${HEADER}.${payload}`, settings.secret)}`;
}

/** The principal a token names, or an AccessTokenError saying why it is refused. */
export function verifyAccessToken(token: string, settings: AccessTokenSettings, now = Date.now()): Principal {
  const alg = tokenAlgorithm(token);
  const [header, payload, sig] = token.split('.');
  // Only the algorithm this installation signs with: never "none", never one the token picks.
  if (alg !== 'HS256') throw new AccessTokenError(`algorithm ${alg} not accepted`);
  const expected = Buffer.from(signature(`${header}.${payload}`, settings.secret));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new AccessTokenError('bad signature');
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new AccessTokenError('unreadable token claims');
  }
  const claims = claimsSchema.safeParse(raw);
  if (!claims.success) throw new AccessTokenError(`claim ${claims.error.issues[0].path.join('.')}: ${claims.error.issues[0].message}`);
  const { sub, role, zone, bins, iss, aud, exp } = claims.data;
  if (iss !== settings.issuer) throw new AccessTokenError('issuer not accepted');
  if (!(Array.isArray(aud) ? aud : [aud]).includes(settings.audience)) throw new AccessTokenError('audience not accepted');
  if (exp * 1000 <= now) throw new AccessTokenError('expired');
  return { accountId: sub, role, policeZone: zone, binIds: bins };
}

/** The `alg` a JWT's header names, unchecked: only to pick who verifies it. */
export function tokenAlgorithm(token: string): string {
  const parts = token.split('.');
  if (parts.length !== 3) throw new AccessTokenError('not a JWT');
  try {
    return String((JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as { alg?: unknown }).alg);
  } catch {
    throw new AccessTokenError('unreadable token header');
  }
}

function signature(input: string, secret: string): string {
  return createHmac('sha256', secret).update(input).digest('base64url');
}

function base64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
