/**
 * Credentials and sender identities. `apiBaseUrl` non-null redirects the official SDK to that
 * origin (the provider simulator); null talks to the real provider.
 */
export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  fromNumber: string;
  apiBaseUrl: string | null;
  /** How long one API request may go unanswered (twilio-node's default, 30 s, when unset). */
  requestTimeoutMs?: number;
}

export interface SendGridSettings {
  apiKey: string;
  fromEmail: string;
  fromName: string;
  apiBaseUrl: string | null;
}

export interface ProviderSettings {
  twilio: TwilioSettings;
  /** The second SMS route's account (ADR 0033); null: one route. */
  twilioSecond: TwilioSettings | null;
  sendgrid: SendGridSettings;
}
