import { EventWebhook } from '@sendgrid/eventwebhook';
import { WEBHOOK_OK, WebhookVerdict } from '../webhooks/webhook-verdict';

export const SENDGRID_SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const SENDGRID_TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

type EcdsaPublicKey = ReturnType<EventWebhook['convertPublicKeyToECDSA']>;

/**
 * SendGrid's Signed Event Webhook: an ECDSA P-256/SHA-256 signature over the timestamp header
 * followed by the RAW body bytes, checked with @sendgrid/eventwebhook. The signature does not
 * stop a replay of a whole signed request, so a timestamp further than `maxAgeSeconds` from now
 * (either way) is refused as well.
 */
export class SendGridEventWebhookVerifier {
  private readonly eventWebhook = new EventWebhook();
  private readonly publicKey: EcdsaPublicKey;

  /** `publicKeyBase64` is the verification key as SendGrid shows it: base64 DER SPKI (`MFkw…`). */
  constructor(
    publicKeyBase64: string,
    private readonly maxAgeSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    try {
      this.publicKey = this.eventWebhook.convertPublicKeyToECDSA(publicKeyBase64);
    } catch (error) {
      throw new Error(`SendGrid event webhook public key is not a base64 DER EC public key: ${(error as Error).message}`);
    }
  }

  verify(rawBody: Buffer | string | undefined, signature: string | string[] | undefined, timestamp: string | string[] | undefined): WebhookVerdict {
    const sig = Array.isArray(signature) ? signature[0] : signature;
    const ts = Array.isArray(timestamp) ? timestamp[0] : timestamp;
    if (!sig) return { ok: false, status: 400, problem: 'missing_signature' };
    if (!ts) return { ok: false, status: 400, problem: 'missing_timestamp' };
    if (!/^\d{1,12}$/.test(ts) || Math.abs(this.now() / 1000 - Number(ts)) > this.maxAgeSeconds) {
      return { ok: false, status: 403, problem: 'stale_timestamp' };
    }
    try {
      const valid = this.eventWebhook.verifySignature(this.publicKey, rawBody ?? '', sig, ts);
      return valid ? WEBHOOK_OK : { ok: false, status: 403, problem: 'invalid_signature' };
    } catch {
      // A signature that is not even base64 DER is as forged as a wrong one.
      return { ok: false, status: 403, problem: 'invalid_signature' };
    }
  }
}
