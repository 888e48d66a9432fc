/**
 * What a sender does with a delivery it could not hand over because something it depends on was
 * away: the provider answering 5xx/429 or unreachable past the retry policy, or the shared rate
 * limiter (Redis) not answering (ADR 0025). Such an outage says nothing about the member, so the
 * delivery is not failed: it is held (planned again, with the reason) and tried again later,
 * for as long as the alert is worth sending.
 */
export interface SendHoldRule {
  /** How long a held delivery waits before it is emitted again. */
  retryAfterMs: number;
  /** An alert without an expiry is held at most this long after its delivery was planned. */
  maxHoldWithoutExpiryMs: number;
}

export const SEND_HOLD_RULE: SendHoldRule = { retryAfterMs: 30_000, maxHoldWithoutExpiryMs: 24 * 60 * 60 * 1000 };

export type SendHold = { hold: true; retryAt: Date } | { hold: false };

/**
 * Held until the alert expires (the sender then ends the delivery as suppressed, reason
 * `expired`), or, without an expiry, until `maxHoldWithoutExpiryMs` after planning; past that the
 * delivery fails with the outage's reason.
 */
export function holdUnsentDelivery(at: { now: Date; expiresAt: Date | null; plannedAt: Date }, rule: SendHoldRule = SEND_HOLD_RULE): SendHold {
  const end = at.expiresAt?.getTime() ?? at.plannedAt.getTime() + rule.maxHoldWithoutExpiryMs;
  if (at.now.getTime() >= end) return { hold: false };
  return { hold: true, retryAt: new Date(at.now.getTime() + rule.retryAfterMs) };
}

/**
 * How long after renewing a lease a sender may still start a provider call under it: the first
 * half. The other half is the call's own time (answer, retries' backoff), so that nobody can take
 * the delivery over while a call made under the lease may still be going on.
 */
export function leaseCallWindowMs(leaseMs: number): number {
  return Math.floor(leaseMs / 2);
}

/**
 * How long a sender waits for a provider's answer to one call: past the call window, the rest of
 * the lease less a second, so that a call that started within the window has been given up
 * before the lease ends and a take-over finds no call of the earlier holder still outstanding
 * (chaos finding 1, candidate b). Between 5 s (shorter gives up on answers a loaded machine still
 * gives, and each unanswered call holds its delivery in doubt) and twilio-node's default, 30 s.
 */
export function providerCallTimeoutMs(leaseMs: number): number {
  return Math.max(5_000, Math.min(30_000, leaseMs - leaseCallWindowMs(leaseMs) - 1_000));
}
