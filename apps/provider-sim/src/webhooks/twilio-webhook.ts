import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SimCredentials } from '../sim-credentials';
import { WebhookKind } from '../stats/sim-stats';
import { splitTwilioWebhookUrl, twilioRetryPolicy } from './callback-retry';
import { OutboundWebhook } from './outbound-webhook';
import { twilioSignature } from './twilio-signature';

/**
 * Builds Twilio's form-encoded, signed webhook POSTs (status callbacks, Gather, inbound SMS). The
 * URL's fragment holds Twilio's connection overrides: it decides the retries and is neither
 * requested nor signed (the receiver never sees it).
 */
@Injectable()
export class TwilioWebhookFactory {
  constructor(private readonly credentials: SimCredentials) {}

  form(kind: WebhookKind, label: string, webhookUrl: string, params: Record<string, string>): OutboundWebhook {
    const { url, overrides } = splitTwilioWebhookUrl(webhookUrl);
    return {
      kind,
      label,
      url,
      retry: twilioRetryPolicy(overrides),
      body: new URLSearchParams(params).toString(),
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        // Each account signs with its own token; every Twilio webhook names its AccountSid.
        'X-Twilio-Signature': twilioSignature(this.credentials.twilioAuthTokenOf(params.AccountSid) ?? this.credentials.twilioAuthToken, url, params),
        // Twilio sends one per event, the same on every retry: receivers may deduplicate on it.
        'I-Twilio-Idempotency-Token': randomUUID(),
        'User-Agent': 'TwilioProxy/1.1',
      },
    };
  }
}
