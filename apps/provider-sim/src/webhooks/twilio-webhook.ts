import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SimCredentials } from '../sim-credentials';
import { WebhookKind } from '../stats/sim-stats';
import { twilioWebhookTarget } from './callback-retry';
import { OutboundWebhook, WebhookDraft } from './outbound-webhook';
import { twilioSignature } from './twilio-signature';

/**
 * Builds Twilio's form-encoded, signed webhook POSTs (status callbacks, Gather, inbound SMS). The
 * URL's fragment holds Twilio's connection overrides: it decides the retries and is neither
 * requested nor signed (the receiver never sees it).
 */
@Injectable()
export class TwilioWebhookFactory {
  constructor(private readonly credentials: SimCredentials) {}

  /**
   * A draft whose label and params are computed only when it is built: a status callback waiting
   * for its turn holds the few values they are made of, not the form (ADR 0044).
   */
  form(kind: WebhookKind, webhookUrl: string, label: () => string, params: () => Record<string, string>): WebhookDraft {
    return { url: webhookUrl, build: () => this.signed(kind, label(), webhookUrl, params()) };
  }

  /** The POST itself, built and signed now: for a draft's `build`. */
  signed(kind: WebhookKind, label: string, webhookUrl: string, params: Record<string, string>): OutboundWebhook {
    const { url, retry } = twilioWebhookTarget(webhookUrl);
    return {
      kind,
      label,
      url,
      retry,
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
