/**
 * Which message, if any, an in-doubt SMS delivery's earlier sender left with the provider (ADR 0033,
 * ADR 0038). The twin of placedCallOf for voice: the adapter lists the candidates (the messages the
 * provider took for the number since the doubt began, newest first), this rule decides. Unlike a
 * call, a message carries its text, and the text names its alert (renderSms: title and body in the
 * member's language): a message whose body is this delivery's rendered body carries this alert's
 * words; one with another body is another alert's, whatever was sent to the number meanwhile.
 */
export interface SentSmsEvidence {
  /** The messages the provider took for the number since the doubt began, newest first. */
  candidates: ReadonlyArray<{ sid: string; body: string }>;
  /** This delivery's rendered body, as it was sent. */
  body: string;
}

/**
 * `sent`: the one message with this body: this delivery's. `not_sent`: none has it (there is no
 * message, or every one is another alert's): send now. `ambiguous`: several messages with this
 * body (the earlier sender's retries, an alert re-issued with the same text, a second member
 * sharing the number): the sender takes the newest as this delivery's and does not send again.
 * Whichever is this delivery's, the member's phone holds this alert's words already, so the alert
 * is not missed; sending again would only be a duplicate SMS. That is where SMS and voice part: a
 * call carries no words, so taking another alert's call may miss an urgent alert, and voice calls
 * again when it cannot tell (placedCallOf).
 */
export type SentSmsDecision = { sms: 'sent'; sid: string } | { sms: 'not_sent' } | { sms: 'ambiguous'; sid: string; matching: number };

export function sentSmsOf(evidence: SentSmsEvidence): SentSmsDecision {
  const matching = [...new Set(evidence.candidates.filter((m) => m.body === evidence.body).map((m) => m.sid))];
  if (matching.length === 0) return { sms: 'not_sent' };
  if (matching.length === 1) return { sms: 'sent', sid: matching[0] };
  return { sms: 'ambiguous', sid: matching[0], matching: matching.length };
}
