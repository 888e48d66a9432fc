/** The one set of credentials the simulator accepts; anything else is refused as the real APIs would. */
export class SimCredentials {
  constructor(
    readonly twilioAccountSid: string,
    readonly twilioAuthToken: string,
    readonly sendgridApiKey: string,
  ) {}
}

export const DEFAULT_SIM_CREDENTIALS = new SimCredentials(
  'AC00000000000000000000000000000000',
  'sim-auth-token',
  'SG.simulator-key',
);

export interface SimCredentialOverrides {
  twilioAccountSid?: string;
  twilioAuthToken?: string;
  sendgridApiKey?: string;
}

/** Explicit options win over the environment, which wins over the defaults. */
export function resolveSimCredentials(overrides: SimCredentialOverrides, env: NodeJS.ProcessEnv): SimCredentials {
  return new SimCredentials(
    overrides.twilioAccountSid ?? nonEmpty(env.SIM_TWILIO_ACCOUNT_SID) ?? DEFAULT_SIM_CREDENTIALS.twilioAccountSid,
    overrides.twilioAuthToken ?? nonEmpty(env.SIM_TWILIO_AUTH_TOKEN) ?? DEFAULT_SIM_CREDENTIALS.twilioAuthToken,
    overrides.sendgridApiKey ?? nonEmpty(env.SIM_SENDGRID_API_KEY) ?? DEFAULT_SIM_CREDENTIALS.sendgridApiKey,
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}
