import type { Language } from '@bin-alert/domain';
import type { AppConfig } from '@bin-alert/platform';
import type { ProviderSettings } from './provider-settings';
import type { TwilioVoice } from './twilio/voice-twiml';

/** Simulator credentials: the simulator accepts exactly these. */
export const SIMULATOR_TWILIO = { accountSid: 'AC00000000000000000000000000000000', authToken: 'sim-auth-token' };
/** The simulator's second Twilio account, for a second SMS route without real credentials. */
export const SIMULATOR_TWILIO_SECOND = { accountSid: 'AC00000000000000000000000000000002', authToken: 'sim-auth-token-2' };
export const SIMULATOR_SENDGRID_KEY = 'SG.simulator-key';

/** In libs/providers, not beside the config schema: libs/platform knows no provider (see the import rules). */

/** Real providers when credentials are configured, the project's simulator otherwise. */
export function providerSettingsFrom(config: AppConfig): ProviderSettings {
  const realTwilio = config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN;
  return {
    twilio: {
      accountSid: realTwilio ? config.TWILIO_ACCOUNT_SID! : SIMULATOR_TWILIO.accountSid,
      authToken: realTwilio ? config.TWILIO_AUTH_TOKEN! : SIMULATOR_TWILIO.authToken,
      fromNumber: config.TWILIO_FROM_NUMBER,
      apiBaseUrl: realTwilio ? null : config.PROVIDER_SIM_URL,
    },
    // loadConfig saw to it that a real first account comes with a real second one, and the reverse.
    twilioSecond: config.TWILIO_SECOND_FROM_NUMBER
      ? {
          accountSid: config.TWILIO_SECOND_ACCOUNT_SID ?? SIMULATOR_TWILIO_SECOND.accountSid,
          authToken: config.TWILIO_SECOND_AUTH_TOKEN ?? SIMULATOR_TWILIO_SECOND.authToken,
          fromNumber: config.TWILIO_SECOND_FROM_NUMBER,
          apiBaseUrl: config.TWILIO_SECOND_ACCOUNT_SID ? null : config.PROVIDER_SIM_URL,
        }
      : null,
    sendgrid: {
      apiKey: config.SENDGRID_API_KEY ?? SIMULATOR_SENDGRID_KEY,
      fromEmail: config.SENDGRID_FROM_EMAIL,
      fromName: config.SENDGRID_FROM_NAME,
      apiBaseUrl: config.SENDGRID_API_KEY ? null : config.PROVIDER_SIM_URL,
    },
  };
}

/** The voice calls speak in, per member language (TWILIO_VOICE_*, TWILIO_VOICE_LANGUAGE_*). */
export function twilioVoicesFrom(config: AppConfig): Record<Language, TwilioVoice> {
  return {
    nl: { voice: config.TWILIO_VOICE_NL, language: config.TWILIO_VOICE_LANGUAGE_NL },
    fr: { voice: config.TWILIO_VOICE_FR, language: config.TWILIO_VOICE_LANGUAGE_FR },
    de: { voice: config.TWILIO_VOICE_DE, language: config.TWILIO_VOICE_LANGUAGE_DE },
    en: { voice: config.TWILIO_VOICE_EN, language: config.TWILIO_VOICE_LANGUAGE_EN },
  };
}

/**
 * The auth token each configured Twilio account signs its webhooks with, by AccountSid (every
 * Twilio webhook posts its AccountSid): a second route's callbacks verify with its own token.
 */
export function twilioAuthTokensFrom(settings: ProviderSettings): ReadonlyMap<string, string> {
  return new Map([settings.twilio, settings.twilioSecond].filter((t): t is NonNullable<typeof t> => t !== null).map((t) => [t.accountSid, t.authToken]));
}
