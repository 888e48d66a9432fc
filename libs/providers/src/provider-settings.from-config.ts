import type { Language } from '@bin-alert/domain';
import type { AppConfig } from '@bin-alert/platform';
import type { ProviderSettings } from './provider-settings';
import type { TwilioVoice } from './twilio/voice-twiml';

/** Simulator credentials: the simulator accepts exactly these. */
export const SIMULATOR_TWILIO = { accountSid: 'AC00000000000000000000000000000000', authToken: 'sim-auth-token' };
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
