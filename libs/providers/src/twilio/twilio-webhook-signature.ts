import { KeyObject, createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import twilio from 'twilio';
import { WEBHOOK_OK, WebhookVerdict } from '../webhooks/webhook-verdict';

export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

/**
 * X-Twilio-Signature of a form webhook (status callback, Gather action, inbound SMS), checked
 * with the SDK's own signing. `publicUrl` is the URL exactly as Twilio called it — scheme, host,
 * path and query — which behind a proxy differs from what the server sees: build it from the
 * configured public origin plus the original path and query.
 *
 * That URL is what Twilio signs, so it is checked first, with one HMAC. Only a signature that
 * does not match it goes to the SDK's validateRequest, which also tries the URL without and with
 * its port and in normalised forms: two URL parses and two HMACs even for a good signature on a
 * URL with a port, on the tracker's busiest path. That first HMAC is the SDK's signing
 * (twilioSignature) with the token's key object made once: an HMAC keyed by a string imports the
 * key anew each time, about a third of its cost.
 */
export function verifyTwilioWebhook(authToken: string, signature: string | string[] | undefined, publicUrl: string, params: Record<string, unknown>): WebhookVerdict {
  const header = Array.isArray(signature) ? signature[0] : signature;
  if (!header) return { ok: false, status: 400, problem: 'missing_signature' };
  if (sameSignature(header, twilioSignature(authToken, publicUrl, params))) return WEBHOOK_OK;
  return twilio.validateRequest(authToken, header, publicUrl, params) ? WEBHOOK_OK : { ok: false, status: 403, problem: 'invalid_signature' };
}

function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

// The tokens are configuration (an account's own and its subaccounts'), never a request's: a few keys.
const signingKeys = new Map<string, KeyObject>();

/**
 * X-Twilio-Signature of a form webhook, byte for byte the SDK's getExpectedTwilioSignature
 * (HMAC-SHA1, base64, over the URL followed by each parameter's name and value in name order, a
 * repeated parameter's distinct values sorted), keyed by the token's KeyObject made once.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, unknown>): string {
  let key = signingKeys.get(authToken);
  if (!key) {
    key = createSecretKey(Buffer.from(authToken, 'utf-8'));
    signingKeys.set(authToken, key);
  }
  const data = Object.keys(params)
    .sort()
    .reduce((signed, name) => signed + formParam(name, params[name]), url);
  return createHmac('sha1', key).update(data, 'utf-8').digest('base64');
}

function formParam(name: string, value: unknown): string {
  if (Array.isArray(value)) return [...new Set(value)].sort().reduce((signed: string, one) => signed + formParam(name, one), '');
  return name + String(value);
}
