import { SendGridEventWebhookVerifier, TwilioVoice, providerSettingsFrom, twilioAuthTokensFrom, twilioVoicesFrom } from '@bin-alert/providers';
import type { Language } from '@bin-alert/domain';
import { AppConfig, SIMULATOR_EVENT_WEBHOOK_PUBLIC_KEY } from '@bin-alert/platform';
import type { ReconciliationSettings, StatusPublishingSettings } from '@bin-alert/tracking';

export const TRACKER_SETTINGS = Symbol('TRACKER_SETTINGS');

export interface TrackerSettings extends StatusPublishingSettings {
  /** The tracker's origin as the providers reach it: signatures cover that URL. */
  publicUrl: string;
  /** Twilio signs its webhooks with the account's auth token (the simulator's when there is none). */
  twilioAuthToken: string;
  /**
   * Every configured account's token by AccountSid, the second SMS route's too (ADR 0033): a
   * webhook is checked with the token of the account it names, else with the first account's.
   */
  twilioAuthTokensBySid: ReadonlyMap<string, string>;
  sendGridVerifier: SendGridEventWebhookVerifier;
  /** The zone's default language: what a call says when the alert lacks the member's own. */
  zoneDefaultLanguage: Language;
  /** The voice calls speak in, per member language (TWILIO_VOICE_*). */
  voices: Readonly<Record<Language, TwilioVoice>>;
}

export function trackerSettingsFrom(config: AppConfig): TrackerSettings {
  if (config.SENDGRID_API_KEY && config.SENDGRID_WEBHOOK_PUBLIC_KEY === SIMULATOR_EVENT_WEBHOOK_PUBLIC_KEY) {
    // Anyone can sign with the simulator's published private key: never trust it for a real account.
    throw new Error(
      'SENDGRID_WEBHOOK_PUBLIC_KEY: set the verification key of your SendGrid account (Mail Settings → Signed Event Webhook); ' +
        'the default is the simulator’s public development key and is refused when SENDGRID_API_KEY is set',
    );
  }
  return {
    publicUrl: config.TRACKER_PUBLIC_URL,
    zoneDefaultLanguage: config.ZONE_DEFAULT_LANGUAGE,
    twilioAuthToken: providerSettingsFrom(config).twilio.authToken,
    twilioAuthTokensBySid: twilioAuthTokensFrom(providerSettingsFrom(config)),
    voices: twilioVoicesFrom(config),
    sendGridVerifier: new SendGridEventWebhookVerifier(config.SENDGRID_WEBHOOK_PUBLIC_KEY, config.WEBHOOK_MAX_AGE_SECONDS),
    dedupeTtlSeconds: config.WEBHOOK_DEDUPE_TTL_SECONDS,
    claimTtlSeconds: 60,
    // A callback waits up to 10 ms for others: nothing a provider notices (they wait seconds for
    // an answer), and under load it lets batches grow past what arrives while one is published.
    ingestBatch: { maxItems: 500, maxWaitMs: 10 },
  };
}

/** Looking up SMS and calls whose callbacks were lost (RECONCILE_*; ADR 0039). */
export function reconciliationSettingsFrom(config: AppConfig): ReconciliationSettings {
  return {
    afterSeconds: config.RECONCILE_AFTER_SECONDS,
    retrySeconds: config.RECONCILE_RETRY_SECONDS,
    maxRetrySeconds: config.RECONCILE_MAX_RETRY_SECONDS,
    maxChecks: config.RECONCILE_MAX_CHECKS,
    lookupsPerSecond: config.RECONCILE_LOOKUPS_PER_SECOND,
    pollMs: config.RECONCILE_POLL_MS,
  };
}
