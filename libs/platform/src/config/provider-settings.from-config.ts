import type { ProviderSettings } from '@bin-alert/providers';
import { AppConfig } from './app-config';

/** Simulator credentials: the simulator accepts exactly these. */
export const SIMULATOR_TWILIO = { accountSid: 'AC00000000000000000000000000000000', authToken: 'sim-auth-token' };
export const SIMULATOR_SENDGRID_KEY = 'SG.simulator-key';

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
