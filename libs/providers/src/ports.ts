import type { ProviderAnswer } from '@bin-alert/domain';

/**
 * What the dispatchers need from a provider, in the domain's words. Adapters translate to one
 * provider's SDK; the dispatchers never see an SDK type.
 */

/** The provider took the message; `providerId` correlates its later status callbacks and events. */
export interface ProviderAcceptance {
  providerId: string;
}

export interface SmsMessage {
  deliveryId: string;
  /** E.164 mobile number. */
  to: string;
  body: string;
  /** How long the provider may keep the message queued before giving up (Twilio: 1–36000 s). */
  validityPeriodSeconds?: number;
  /** Where the provider posts this message's status changes (messageStatusCallbackUrl). */
  statusCallbackUrl?: string;
}

/** A delivery whose earlier sender died after claiming it: did the provider get it then? */
export interface InDoubtLookup {
  to: string;
  /** When the earlier claim was made: nothing older can be ours. */
  since: Date;
}

/** A message the provider took, as its list resource shows it. */
export interface ListedSms {
  sid: string;
  body: string;
}

export interface SmsSender {
  send(message: SmsMessage): Promise<ProviderAcceptance>;
  /**
   * The messages the provider took for `to` since then, newest first: candidates only. Which one,
   * if any, is an in-doubt delivery's is the dispatcher's to decide (sentSmsOf).
   */
  listSent(lookup: InDoubtLookup): Promise<ListedSms[]>;
}

export interface VoiceCall {
  deliveryId: string;
  /** E.164 phone number (mobile or landline). */
  to: string;
  /**
   * What the call does once answered: inline TwiML, or a URL the provider fetches the TwiML from
   * at that moment (POST, with AnsweredBy when machine detection is on), so it can depend on who
   * or what answered.
   */
  answer: { twiml: string } | { url: string };
  /** Where the provider posts this call's status changes (callStatusCallbackUrl). */
  statusCallbackUrl?: string;
  /** Which changes to post; the provider's default is `completed` only. */
  statusCallbackEvents?: Array<'initiated' | 'ringing' | 'answered' | 'completed'>;
  /** Answering machine detection: AnsweredBy then tells a person from a voicemail. */
  machineDetection?: 'Enable' | 'DetectMessageEnd';
}

export interface VoiceCaller {
  call(call: VoiceCall): Promise<ProviderAcceptance>;
  /**
   * The sids of the calls the provider placed to `to` since then, newest first: candidates only.
   * A call carries nothing that names its delivery; which one is whose is the dispatcher's to
   * decide (placedCallOf).
   */
  listPlaced(lookup: InDoubtLookup): Promise<string[]>;
}

export interface EmailRecipient {
  deliveryId: string;
  to: string;
  /** This recipient's own headers (List-Unsubscribe). */
  headers?: Record<string, string>;
  /**
   * Strings of the batch's subject, text and HTML to replace, for this recipient only, by the
   * values given (SendGrid's personalization `substitutions`, the tags exactly as they appear).
   */
  substitutions?: Record<string, string>;
}

export interface EmailBatch {
  subject: string;
  text: string;
  html: string;
  /** At most 1000, each address at most once: SendGrid refuses the whole request otherwise. */
  recipients: EmailRecipient[];
  headers?: Record<string, string>;
  categories?: string[];
}

export interface EmailSender {
  /**
   * One request for the whole batch, one personalization per recipient carrying
   * custom_args { delivery_id } so that each event webhook names its delivery.
   */
  sendBatch(batch: EmailBatch): Promise<ProviderAcceptance>;
}

/** A message or call a provider took, as its delivery records it. */
export interface SentDelivery {
  channel: 'sms' | 'voice';
  providerId: string;
  /** The SMS route (account) that took it; null: the primary. */
  route: string | null;
}

/**
 * Asks the provider where a message or call it took stands now, for a delivery whose status
 * callbacks never arrived (ADR 0039). Never throws: a failed lookup is a `no_answer`.
 */
export interface DeliveryStatusLookup {
  lookUp(sent: SentDelivery): Promise<ProviderAnswer>;
}
