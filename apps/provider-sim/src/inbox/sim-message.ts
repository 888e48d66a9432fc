export const SIM_CHANNELS = ['sms', 'voice', 'email'] as const;
export type SimChannel = (typeof SIM_CHANNELS)[number];

export interface SaidText {
  /** BCP 47 tag from `<Say language="…">`, Twilio's default `en-US` when absent. */
  language: string;
  text: string;
}

/**
 * What one recipient "received" from a provider. Flat rather than one type per channel so that
 * tests and demos read it as plain JSON; the fields of other channels are simply absent.
 */
export interface SimMessage {
  /** Twilio sid (SM…/CA…) or SendGrid X-Message-Id (shared by every recipient of one request). */
  id: string;
  channel: SimChannel;
  /** E.164 number or e-mail address. */
  to: string;
  from: string;
  receivedAt: string;

  // sms
  body?: string;
  segments?: number;
  encoding?: 'GSM-7' | 'UCS-2';
  validityPeriodSeconds?: number;

  // voice
  twiml?: string;
  url?: string;
  said?: SaidText[];

  // email
  subject?: string;
  text?: string;
  html?: string;
  templateId?: string;
  customArgs?: Record<string, string>;
  categories?: string[];
  headers?: Record<string, string>;

  /** Kept so that status callbacks can be sent later without changing what is recorded. */
  statusCallback?: string;
  statusCallbackEvents?: string[];
}
