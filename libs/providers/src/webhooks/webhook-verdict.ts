/**
 * The outcome of checking a provider webhook's signature. A request without the signature (or its
 * timestamp) is malformed (400); one with a wrong or stale signature is forged or replayed (403).
 */
export type WebhookVerdict =
  | { ok: true }
  | { ok: false; status: 400; problem: 'missing_signature' | 'missing_timestamp' }
  | { ok: false; status: 403; problem: 'invalid_signature' | 'stale_timestamp' };

export const WEBHOOK_OK: WebhookVerdict = { ok: true };
