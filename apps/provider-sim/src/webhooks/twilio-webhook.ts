import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SimCredentials } from '../sim-credentials';
import { WebhookKind } from '../stats/sim-stats';
import { OutboundWebhook } from './outbound-webhook';
import { twilioSignature } from './twilio-signature';

/** Builds Twilio's form-encoded, signed webhook POSTs (status callbacks, Gather, inbound SMS). */
@Injectable()
export class TwilioWebhookFactory {
  constructor(private readonly credentials: SimCredentials) {}

  form(kind: WebhookKind, label: string, url: string, params: Record<string, string>): OutboundWebhook {
    return {
      kind,
      label,
      url,
      body: new URLSearchParams(params).toString(),
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': twilioSignature(this.credentials.twilioAuthToken, url, params),
        // Twilio sends one per event, the same on every retry: receivers may deduplicate on it.
        'I-Twilio-Idempotency-Token': randomUUID(),
        'User-Agent': 'TwilioProxy/1.1',
      },
    };
  }
}
