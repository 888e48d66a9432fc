import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What a signed link lets its holder do, for one member. Each purpose is a separate permission:
 * a preference-centre link cannot confirm an e-mail address, and an unsubscribe link cannot
 * resign a membership.
 */
export const LINK_PURPOSES = ['preferences', 'subscribe', 'unsubscribe', 'confirm_email', 'resign'] as const;
export type LinkPurpose = (typeof LINK_PURPOSES)[number];

export interface LinkClaims {
  purpose: LinkPurpose;
  memberId: string;
  /** The category a subscribe / unsubscribe link is about. */
  category?: string;
  /** The contact point a confirm_email link is about: a newer address needs a newer link. */
  contactId?: string;
  /** Seconds since the epoch after which the link is refused. */
  expiresAt: number;
}

export type LinkVerdict = { ok: true; claims: LinkClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' | 'wrong_purpose' };

/** How long each kind of link lasts: long enough to be read in an inbox, short enough to go stale. */
export const LINK_LIFETIME_SECONDS: Record<LinkPurpose, number> = {
  preferences: 30 * 86_400,
  subscribe: 60 * 86_400,
  // An unsubscribe link must keep working for as long as the e-mail that carries it is kept.
  unsubscribe: 365 * 86_400,
  confirm_email: 3 * 86_400,
  resign: 30 * 86_400,
};

const PURPOSE_CODE: Record<LinkPurpose, string> = { preferences: 'p', subscribe: 's', unsubscribe: 'u', confirm_email: 'c', resign: 'r' };
const PURPOSE_OF = Object.fromEntries(Object.entries(PURPOSE_CODE).map(([k, v]) => [v, k])) as Record<string, LinkPurpose>;

/**
 * Member-scoped, expiring, HMAC-SHA256-signed tokens for the links the system e-mails. The token
 * is `payload.signature`, both base64url; the payload is compact (purpose code, member id,
 * category, contact id, expiry) and carries no contact data, so a token in a URL or a log names
 * nobody's address. Pure: the clock and the secret are arguments.
 */
export class LinkSigner {
  constructor(private readonly secret: string) {
    if (secret.length < 32) throw new Error('link signing secret: at least 32 characters');
  }

  sign(claims: Omit<LinkClaims, 'expiresAt'>, now: Date, lifetimeSeconds = LINK_LIFETIME_SECONDS[claims.purpose]): string {
    const expiresAt = Math.floor(now.getTime() / 1000) + lifetimeSeconds;
    const payload = [PURPOSE_CODE[claims.purpose], claims.memberId, claims.category ?? '', claims.contactId ?? '', expiresAt.toString(36)].join('.');
    const encoded = Buffer.from(payload, 'utf8').toString('base64url');
    return `${encoded}.${this.mac(encoded)}`;
  }

  verify(token: string | undefined, purpose: LinkPurpose, now: Date): LinkVerdict {
    if (!token || token.length > 512) return { ok: false, reason: 'malformed' };
    const parts = token.split('.');
    if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]) || !/^[A-Za-z0-9_-]+$/.test(parts[1])) return { ok: false, reason: 'malformed' };
    const expected = Buffer.from(this.mac(parts[0]));
    const given = Buffer.from(parts[1]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad_signature' };
    const fields = Buffer.from(parts[0], 'base64url').toString('utf8').split('.');
    if (fields.length !== 5 || !PURPOSE_OF[fields[0]]) return { ok: false, reason: 'malformed' };
    const claims: LinkClaims = {
      purpose: PURPOSE_OF[fields[0]],
      memberId: fields[1],
      ...(fields[2] ? { category: fields[2] } : {}),
      ...(fields[3] ? { contactId: fields[3] } : {}),
      expiresAt: parseInt(fields[4], 36),
    };
    if (claims.purpose !== purpose) return { ok: false, reason: 'wrong_purpose' };
    if (!Number.isFinite(claims.expiresAt) || claims.expiresAt * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
    return { ok: true, claims };
  }

  private mac(encodedPayload: string): string {
    return createHmac('sha256', this.secret).update(encodedPayload).digest('base64url');
  }
}
