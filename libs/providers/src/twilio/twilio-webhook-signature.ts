import twilio from 'twilio';
import { WEBHOOK_OK, WebhookVerdict } from '../webhooks/webhook-verdict';

export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

/**
 * X-Twilio-Signature of a form webhook (status callback, Gather action, inbound SMS), checked
 * with the SDK's own validateRequest. `publicUrl` is the URL exactly as Twilio called it —
 * scheme, host, path and query — which behind a proxy differs from what the server sees:
 * build it from the configured public origin plus the original path and query.
 */
export function verifyTwilioWebhook(authToken: string, signature: string | string[] | undefined, publicUrl: string, params: Record<string, unknown>): WebhookVerdict {
  const header = Array.isArray(signature) ? signature[0] : signature;
  if (!header) return { ok: false, status: 400, problem: 'missing_signature' };
  return twilio.validateRequest(authToken, header, publicUrl, params) ? WEBHOOK_OK : { ok: false, status: 403, problem: 'invalid_signature' };
}
