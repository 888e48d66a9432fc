import type { StatusHistory } from './status-history';

export const SIM_CHANNELS = ['sms', 'voice', 'email'] as const;
export type SimChannel = (typeof SIM_CHANNELS)[number];

export interface SaidText {
  /** BCP 47 tag from `<Say language="…">`, Twilio's default `en-US` when absent. */
  language: string;
  /** `<Say voice="…">` (e.g. Polly.Lisa-Neural), absent when Twilio's default voice speaks. */
  voice?: string;
  text: string;
}

/** One status a message reached after acceptance, as its callback or event reported it. */
export interface SimStatusChange {
  /** Twilio MessageStatus / CallStatus, or SendGrid event name. */
  status: string;
  at: string;
  /** Twilio ErrorCode of failed/undelivered SMS. */
  errorCode?: number;
}

/** A synchronous refusal (4xx/5xx with the provider's error code). */
export interface SimRejection {
  status: number;
  code: number;
  message: string;
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
  /** Twilio: the account that created it (the simulator plays two, ADR 0033). */
  accountSid?: string;
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
  /** MachineDetection as requested (Enable | DetectMessageEnd). */
  machineDetection?: string;
  /**
   * Who picked up: the AnsweredBy Twilio reported (human, machine_start, machine_end_beep) when
   * MachineDetection was asked, else the simulator's own truth (human | machine).
   */
  answeredBy?: string;
  /** Keys pressed in answer to a `<Gather>` ("1" = acknowledged). */
  digits?: string;
  /** Status with which the `<Gather action>` URL answered the digits. */
  gatherReplyStatus?: number;
  /** CallDuration reported with `completed`. */
  durationSeconds?: number;

  // email
  subject?: string;
  text?: string;
  html?: string;
  templateId?: string;
  customArgs?: Record<string, string>;
  categories?: string[];
  headers?: Record<string, string>;
  /**
   * The personalization's substitutions. Subject, text and HTML are kept as the request shared
   * them and read with these applied (MessageStore), so that a 1000-recipient request holds one
   * copy of its content rather than a thousand.
   */
  substitutions?: Record<string, string>;
  /** This recipient's sg_message_id: `<X-Message-Id>.<suffix>`. */
  sgMessageId?: string;

  /** Kept so that status callbacks can be sent later without changing what is recorded. */
  statusCallback?: string;
  statusCallbackEvents?: string[];

  /**
   * Statuses after acceptance in the order the simulator reached them, which is the order their
   * callbacks were posted: with out-of-order delivery `delivered` may precede `sent`.
   */
  statuses?: SimStatusChange[];
  /** The final status once reached (delivered, undelivered, failed, completed, busy, no-answer, bounce, dropped). */
  outcome?: string;
  /** Twilio ErrorCode of a failed or undelivered SMS. */
  errorCode?: number;

  /** Present only on refused requests, which inbox and lists show only when asked to. */
  rejectedWith?: SimRejection;
}

/**
 * A message as the simulator keeps it while it is retained (MessageStore) and while its callbacks
 * are still to come: the public fields, its arrival number, and its statuses in compact form.
 * Read out as a SimMessage.
 */
export interface StoredMessage extends Omit<SimMessage, 'statuses'> {
  /** Arrival order across channels, from 1 after each clear. */
  seq: number;
  statuses?: StatusHistory;
}
