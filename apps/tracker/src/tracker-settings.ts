import { SendGridEventWebhookVerifier, SIMULATOR_EVENT_WEBHOOK_PUBLIC_KEY } from '@bin-alert/providers';
import type { Language } from '@bin-alert/domain';
import { AppConfig, providerSettingsFrom } from '@bin-alert/platform';

export const TRACKER_SETTINGS = Symbol('TRACKER_SETTINGS');

export interface TrackerSettings {
  /** The tracker's origin as the providers reach it: signatures cover that URL. */
  publicUrl: string;
  /** Twilio signs its webhooks with the account's auth token (the simulator's when there is none). */
  twilioAuthToken: string;
  sendGridVerifier: SendGridEventWebhookVerifier;
  /** How long a callback's identity is remembered to drop the provider's repeats. */
  dedupeTtlSeconds: number;
  /** The zone's default language: what a call says when the alert lacks the member's own. */
  zoneDefaultLanguage: Language;
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
    sendGridVerifier: new SendGridEventWebhookVerifier(config.SENDGRID_WEBHOOK_PUBLIC_KEY, config.WEBHOOK_MAX_AGE_SECONDS),
    dedupeTtlSeconds: config.WEBHOOK_DEDUPE_TTL_SECONDS,
  };
}
