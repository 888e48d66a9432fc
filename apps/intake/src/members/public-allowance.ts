import type { Request, Response } from 'express';
import { addressForLimits } from '@bin-alert/platform';
import { MembershipService, TooManyRequests } from '@bin-alert/membership';

/**
 * Public requests that cost a message or a row count against the client's hourly allowance; past
 * it the answer carries Retry-After, whether a program or a page asked.
 */
export async function admitPublicRequest(memberships: MembershipService, kind: 'applications' | 'messages', req: Request, res: Response): Promise<void> {
  try {
    // req.ip: X-Forwarded-For is believed only from TRUSTED_PROXIES (serveApp sets `trust proxy`).
    await memberships.admitPublicRequest(kind, addressForLimits(req.ip ?? req.socket.remoteAddress ?? 'unknown'));
  } catch (error) {
    if (error instanceof TooManyRequests) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    throw error;
  }
}
