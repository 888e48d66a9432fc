/**
 * Which call, if any, an in-doubt voice delivery's earlier sender placed (ADR 0038, addendum of
 * 2026-12-06 late night). A call carries nothing of ours to match (Twilio's Call resource does not
 * return our URLs), unlike an SMS, whose body names its alert: the evidence is the calls placed to
 * the number since the doubt began, the sids already recorded on deliveries, and the other
 * deliveries to that number whose calls may be out without a recorded sid.
 */
export interface PlacedCallEvidence {
  /** Sids of the calls the provider placed to the number since the doubt began. */
  candidates: readonly string[];
  /** Sids recorded on a delivery (another one's, or this one's earlier dial before a redial). */
  recorded: ReadonlySet<string>;
  /** Other deliveries to the number admitted to the provider with no outcome recorded: each may own a candidate. */
  othersUnsettled: number;
}

/**
 * `placed`: the one call nothing else can claim, this delivery's. `not_placed`: every candidate is
 * another delivery's, or there is none: call now. `ambiguous`: a candidate may be this delivery's
 * or another unsettled delivery's, or several are unclaimed: the sender calls now too, whatever
 * the alert's urgency. Taking a call that was another alert's leaves the member without this alert
 * (the urgent missing-person call marked placed with a prevention alert's sid, benchmark database,
 * 2026-12-06); calling at worst calls the member twice for one alert. A missed alert is the worse
 * harm, as for e-mail (ADR 0038). SMS decides the other way (sentSmsOf): its body names the
 * alert, so every message that matches carries this alert's words.
 */
export type PlacedCallDecision = { call: 'placed'; sid: string } | { call: 'not_placed' } | { call: 'ambiguous'; unclaimed: number; othersUnsettled: number };

export function placedCallOf(evidence: PlacedCallEvidence): PlacedCallDecision {
  const unclaimed = [...new Set(evidence.candidates)].filter((sid) => !evidence.recorded.has(sid));
  if (unclaimed.length === 0) return { call: 'not_placed' };
  if (unclaimed.length === 1 && evidence.othersUnsettled === 0) return { call: 'placed', sid: unclaimed[0] };
  return { call: 'ambiguous', unclaimed: unclaimed.length, othersUnsettled: evidence.othersUnsettled };
}
