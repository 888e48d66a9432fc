/**
 * The credentials the simulator accepts; anything else is refused as the real APIs would. Two
 * Twilio accounts, so that a second SMS route can be played (ADR 0033): each signs its own
 * webhooks with its own token and has its own fault settings (SimConfig.secondTwilioAccount).
 */
export class SimCredentials {
  constructor(
    readonly twilioAccountSid: string,
    readonly twilioAuthToken: string,
    readonly sendgridApiKey: string,
    readonly secondTwilioAccountSid = DEFAULT_SECOND_TWILIO_ACCOUNT.accountSid,
    readonly secondTwilioAuthToken = DEFAULT_SECOND_TWILIO_ACCOUNT.authToken,
  ) {}

  /** The auth token of one of the two Twilio accounts; undefined for any other SID. */
  twilioAuthTokenOf(accountSid: string | undefined): string | undefined {
    if (accountSid === this.twilioAccountSid) return this.twilioAuthToken;
    if (accountSid === this.secondTwilioAccountSid) return this.secondTwilioAuthToken;
    return undefined;
  }

  /**
   * The simulator's own copy of an account sid it knows, else `accountSid` itself. A sid cut from a
   * request's path keeps that whole path alive for as long as it is held, e.g. by the callbacks of
   * a message waiting for a slow receiver (ADR 0044).
   */
  ownTwilioAccountSid(accountSid: string): string {
    if (accountSid === this.twilioAccountSid) return this.twilioAccountSid;
    if (accountSid === this.secondTwilioAccountSid) return this.secondTwilioAccountSid;
    return accountSid;
  }

  isSecondTwilioAccount(accountSid: string | undefined): boolean {
    return accountSid === this.secondTwilioAccountSid && accountSid !== this.twilioAccountSid;
  }
}

/** The simulator's second Twilio account (libs/providers' SIMULATOR_TWILIO_SECOND says the same). */
export const DEFAULT_SECOND_TWILIO_ACCOUNT = { accountSid: 'AC00000000000000000000000000000002', authToken: 'sim-auth-token-2' };

export const DEFAULT_SIM_CREDENTIALS = new SimCredentials('AC00000000000000000000000000000000', 'sim-auth-token', 'SG.simulator-key');

export interface SimCredentialOverrides {
  twilioAccountSid?: string;
  twilioAuthToken?: string;
  sendgridApiKey?: string;
  secondTwilioAccountSid?: string;
  secondTwilioAuthToken?: string;
}

/** Explicit options win over the environment, which wins over the defaults. */
export function resolveSimCredentials(overrides: SimCredentialOverrides, env: NodeJS.ProcessEnv): SimCredentials {
  return new SimCredentials(
    overrides.twilioAccountSid ?? nonEmpty(env.SIM_TWILIO_ACCOUNT_SID) ?? DEFAULT_SIM_CREDENTIALS.twilioAccountSid,
    overrides.twilioAuthToken ?? nonEmpty(env.SIM_TWILIO_AUTH_TOKEN) ?? DEFAULT_SIM_CREDENTIALS.twilioAuthToken,
    overrides.sendgridApiKey ?? nonEmpty(env.SIM_SENDGRID_API_KEY) ?? DEFAULT_SIM_CREDENTIALS.sendgridApiKey,
    overrides.secondTwilioAccountSid ?? nonEmpty(env.SIM_TWILIO_SECOND_ACCOUNT_SID) ?? DEFAULT_SECOND_TWILIO_ACCOUNT.accountSid,
    overrides.secondTwilioAuthToken ?? nonEmpty(env.SIM_TWILIO_SECOND_AUTH_TOKEN) ?? DEFAULT_SECOND_TWILIO_ACCOUNT.authToken,
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}
