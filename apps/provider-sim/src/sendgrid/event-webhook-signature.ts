import { createPrivateKey, KeyObject, sign } from 'node:crypto';
// Deliberately not exported from @bin-alert/providers (only the public half is): nothing but the
// simulator may sign with it, hence the path into the library.
import { SIMULATOR_EVENT_WEBHOOK_PRIVATE_KEY } from '@bin-alert/platform';

let privateKey: KeyObject | undefined;

export interface EventWebhookSignature {
  'X-Twilio-Email-Event-Webhook-Signature': string;
  'X-Twilio-Email-Event-Webhook-Timestamp': string;
}

/**
 * SendGrid's Signed Event Webhook: base64 DER ECDSA (P-256, SHA-256) over the timestamp
 * followed by the raw body bytes, with the simulator's fixed, public development key.
 */
export function signEventWebhook(body: string, at: Date): EventWebhookSignature {
  privateKey ??= createPrivateKey(SIMULATOR_EVENT_WEBHOOK_PRIVATE_KEY);
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signature = sign('sha256', Buffer.concat([Buffer.from(timestamp, 'utf8'), Buffer.from(body, 'utf8')]), privateKey);
  return {
    'X-Twilio-Email-Event-Webhook-Signature': signature.toString('base64'),
    'X-Twilio-Email-Event-Webhook-Timestamp': timestamp,
  };
}
