import { SimMessage } from '../inbox/sim-message';
import { TWILIO_API_VERSION } from './twilio-resource-format';

export type SmsStatus = 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed';

export interface SmsCallbackContext {
  accountSid: string;
  messagingServiceSid?: string;
}

/**
 * The form Twilio posts to a message's StatusCallback. Receivers must ignore fields they do not
 * know: Twilio adds some over time (providers.md §2).
 */
export function smsStatusCallbackParams(
  message: Pick<SimMessage, 'id' | 'from' | 'to'>,
  context: SmsCallbackContext,
  status: SmsStatus,
  at: Date,
  errorCode: number | undefined,
): Record<string, string> {
  return {
    AccountSid: context.accountSid,
    ApiVersion: TWILIO_API_VERSION,
    From: message.from,
    To: message.to,
    MessageSid: message.id,
    SmsSid: message.id,
    MessageStatus: status,
    SmsStatus: status,
    ...(context.messagingServiceSid !== undefined ? { MessagingServiceSid: context.messagingServiceSid } : {}),
    ...((status === 'failed' || status === 'undelivered') && errorCode !== undefined ? { ErrorCode: String(errorCode) } : {}),
    ...(status === 'delivered' ? { RawDlrDoneDate: rawDlrDoneDate(at) } : {}),
  };
}

/** The carrier's delivery-report time, YYMMDDhhmm in UTC. */
export function rawDlrDoneDate(at: Date): string {
  const two = (value: number): string => String(value).padStart(2, '0');
  return two(at.getUTCFullYear() % 100) + two(at.getUTCMonth() + 1) + two(at.getUTCDate()) + two(at.getUTCHours()) + two(at.getUTCMinutes());
}
