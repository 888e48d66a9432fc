import { SimMessage } from '../inbox/sim-message';
import { rfc2822, TWILIO_API_VERSION } from './twilio-resource-format';

/** StatusCallbackEvent values, and the CallStatus each reports. */
export const CALL_EVENTS = ['initiated', 'ringing', 'answered', 'completed'] as const;
export type CallEvent = (typeof CALL_EVENTS)[number];
export type CallStatus = 'initiated' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'no-answer' | 'failed';

/** The parameters Twilio sends with every request about a call (TwiML fetch, Gather action, callbacks). */
export function callParams(call: Pick<SimMessage, 'id' | 'from' | 'to'>, accountSid: string, status: CallStatus, answeredBy: string | undefined): Record<string, string> {
  return {
    AccountSid: accountSid,
    ApiVersion: TWILIO_API_VERSION,
    CallSid: call.id,
    CallStatus: status,
    Direction: 'outbound-api',
    From: call.from,
    To: call.to,
    ...(answeredBy !== undefined ? { AnsweredBy: answeredBy } : {}),
  };
}

/** A status callback: the call params plus when, in which order, and (when over) how long. */
export function callStatusCallbackParams(
  call: Pick<SimMessage, 'id' | 'from' | 'to'>,
  accountSid: string,
  status: CallStatus,
  at: Date,
  sequenceNumber: number,
  extra: { answeredBy?: string; durationSeconds?: number },
): Record<string, string> {
  return {
    ...callParams(call, accountSid, status, extra.answeredBy),
    CallbackSource: 'call-progress-events',
    Timestamp: rfc2822(at),
    SequenceNumber: String(sequenceNumber),
    ...(extra.durationSeconds !== undefined ? { CallDuration: String(extra.durationSeconds) } : {}),
  };
}

/**
 * The events a create asked for. twilio-node repeats the key; some clients send one
 * space-separated value, which Twilio also accepts. None named means `completed` only.
 */
export function requestedCallEvents(values: string[]): Set<CallEvent> {
  const named = values.flatMap((value) => value.toLowerCase().split(/\s+/)).filter((value): value is CallEvent => (CALL_EVENTS as readonly string[]).includes(value));
  return new Set(named.length > 0 ? named : ['completed']);
}
