import { KeyObject, createPublicKey, createVerify } from 'node:crypto';
import { WEBHOOK_OK, WebhookVerdict } from '../webhooks/webhook-verdict';

export const SENDGRID_SIGNATURE_HEADER = 'x-twilio-email-event-webhook-signature';
export const SENDGRID_TIMESTAMP_HEADER = 'x-twilio-email-event-webhook-timestamp';

/**
 * SendGrid's Signed Event Webhook: an ECDSA P-256/SHA-256 signature (base64 DER) over the
 * timestamp header followed by the RAW body bytes. The signature does not stop a replay of a
 * whole signed request, so a timestamp further than `maxAgeSeconds` from now (either way) is
 * refused as well.
 *
 * Checked with node:crypto (OpenSSL), not with @sendgrid/eventwebhook: the SDK's ECDSA is
 * written in JavaScript on a big-integer library and took ~5 ms of CPU per request, where
 * OpenSSL takes ~0.1 ms; one SendGrid request carries up to 500 events, but at a large
 * alert's rate the batches are small and this was the largest single item of the tracker's
 * profile (docs/benchmarks.md, "the tracker's CPU per callback"). OpenSSL also hashes the
 * bytes as received, where the SDK hashed their UTF-8 decoding.
 */
export class SendGridEventWebhookVerifier {
  private readonly publicKey: KeyObject;

  /** `publicKeyBase64` is the verification key as SendGrid shows it: base64 DER SPKI (`MFkw…`). */
  constructor(
    publicKeyBase64: string,
    private readonly maxAgeSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    try {
      this.publicKey = createPublicKey({ key: Buffer.from(publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
    } catch (error) {
      throw new Error(`SendGrid event webhook public key is not a base64 DER EC public key: ${(error as Error).message}`);
    }
    const curve = this.publicKey.asymmetricKeyDetails?.namedCurve;
    if (this.publicKey.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
      throw new Error(`SendGrid event webhook public key is not a base64 DER EC public key on P-256 (got ${this.publicKey.asymmetricKeyType} ${curve ?? ''})`);
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
      // Hashed as it streams in, without copying a body of up to 10 MB next to the timestamp.
      const valid = createVerify('sha256')
        .update(ts)
        .update(rawBody ?? '')
        .verify(this.publicKey, Buffer.from(sig, 'base64'));
      return valid ? WEBHOOK_OK : { ok: false, status: 403, problem: 'invalid_signature' };
    } catch {
      // A signature that is not even base64 DER is as forged as a wrong one.
      return { ok: false, status: 403, problem: 'invalid_signature' };
    }
  }
}
