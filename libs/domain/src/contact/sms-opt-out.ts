/**
 * Twilio's standard opt-out and opt-in keywords (providers.md §2). A keyword counts only as the
 * whole message, one word in any case: "Stop" opts out, "stop sending me this" does not.
 * Twilio blocks the number itself and still forwards the message; the system records the change
 * so that "why did X not get the SMS?" has an answer.
 */
export const SMS_OPT_OUT_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'] as const;
export const SMS_OPT_IN_KEYWORDS = ['START', 'YES', 'UNSTOP'] as const;

export type SmsOptAction = 'opt_out' | 'opt_in';

export interface SmsOptChange {
  action: SmsOptAction;
  /** What the member wrote (upper-cased), or Twilio's OptOutType when that decided it. */
  keyword: string;
}

/**
 * What a member's SMS reply changes, if anything. Twilio's Advanced Opt-Out sends OptOutType
 * (STOP, START, HELP) also for keywords configured beyond the standard ones: it wins when present.
 */
export function classifySmsReply(body: string, optOutType?: string): SmsOptChange | null {
  const word = body.trim().toUpperCase();
  const type = optOutType?.trim().toUpperCase();
  const keyword = word && !/\s/.test(word) ? word : undefined;
  if (type === 'STOP') return { action: 'opt_out', keyword: keyword ?? 'STOP' };
  if (type === 'START') return { action: 'opt_in', keyword: keyword ?? 'START' };
  if (!keyword) return null;
  if ((SMS_OPT_OUT_KEYWORDS as readonly string[]).includes(keyword)) return { action: 'opt_out', keyword };
  if ((SMS_OPT_IN_KEYWORDS as readonly string[]).includes(keyword)) return { action: 'opt_in', keyword };
  return null;
}
