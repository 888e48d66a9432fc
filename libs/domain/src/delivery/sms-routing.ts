import type { Urgency } from '../vocabulary';

/**
 * An error-rate circuit breaker over a sliding window of a provider route's outcomes (ADR 0033).
 * Closed: every call goes through and its outcome is counted. Open (the window's failure rate
 * reached the threshold): no call is admitted for `openMs`. Half-open, after that: a few trial
 * calls are admitted; as many successes close it with an empty window, one failure opens it again.
 * Pure: the caller says what time it is.
 */
export interface CircuitBreakerSettings {
  /** The latest this-many outcomes are judged… */
  windowSize: number;
  /** …of those no older than this. */
  windowMs: number;
  /** Fewer outcomes than this in the window never open the breaker, whatever their rate. */
  minimumOutcomes: number;
  /** The breaker opens when at least this share (0–1] of the window's outcomes failed. */
  failureRateThreshold: number;
  /** How long it stays open before trial calls are let through. */
  openMs: number;
  /** Trial calls admitted while half-open; this many successes close it. */
  halfOpenTrials: number;
}

/**
 * Twilio answers nearly every create (its 5xx rate is well below 1 %): half of at least 10 of the
 * latest 20 calls failing is an outage, not noise, and at 100 SMS/s the window fills within a
 * fifth of a second. A minute bounds how old those outcomes may be. Provider incidents last
 * minutes: 30 s open, then three trial messages (at most three retries lost per 30 s).
 */
export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerSettings = {
  windowSize: 20,
  windowMs: 60_000,
  minimumOutcomes: 10,
  failureRateThreshold: 0.5,
  openMs: 30_000,
  halfOpenTrials: 3,
};

export type CircuitState = 'closed' | 'open' | 'half_open';

export class ErrorRateBreaker {
  private outcomes: Array<{ at: number; failed: boolean }> = [];
  private openedAt: number | null = null;
  private trialsAdmitted = 0;
  private trialsSucceeded = 0;

  constructor(private readonly settings: CircuitBreakerSettings = DEFAULT_CIRCUIT_BREAKER) {}

  state(now: number): CircuitState {
    if (this.openedAt === null) return 'closed';
    return now - this.openedAt < this.settings.openMs ? 'open' : 'half_open';
  }

  /** Whether a call may go through now; while half-open each admission takes one of the trials. */
  admits(now: number): boolean {
    const state = this.state(now);
    if (state === 'closed') return true;
    if (state === 'open' || this.trialsAdmitted >= this.settings.halfOpenTrials) return false;
    this.trialsAdmitted++;
    return true;
  }

  /** The outcome of a call: `failed` when the route itself failed (not the member's number). */
  record(failed: boolean, now: number): void {
    const state = this.state(now);
    // Calls that were in flight when it opened say nothing new.
    if (state === 'open') return;
    if (state === 'half_open') {
      if (failed) this.open(now);
      else if (++this.trialsSucceeded >= this.settings.halfOpenTrials) this.close();
      return;
    }
    this.outcomes.push({ at: now, failed });
    const oldest = now - this.settings.windowMs;
    this.outcomes = this.outcomes.filter((o) => o.at > oldest).slice(-this.settings.windowSize);
    const failures = this.outcomes.filter((o) => o.failed).length;
    if (this.outcomes.length >= this.settings.minimumOutcomes && failures / this.outcomes.length >= this.settings.failureRateThreshold) this.open(now);
  }

  private open(now: number): void {
    this.openedAt = now;
    this.trialsAdmitted = 0;
    this.trialsSucceeded = 0;
  }

  private close(): void {
    this.openedAt = null;
    this.outcomes = [];
  }
}

/** The SMS provider routes: the primary account, and a second one when configured. */
export const SMS_ROUTES = ['primary', 'secondary'] as const;
export type SmsRouteName = (typeof SMS_ROUTES)[number];

/** Which alerts may take the second route when the primary fails (TWILIO_SECOND_ROUTE_FOR). */
export const SECOND_ROUTE_USES = ['urgent', 'all'] as const;
export type SecondRouteUse = (typeof SECOND_ROUTE_USES)[number];

/**
 * The route of the next SMS attempt: the primary while its breaker admits calls; else the second
 * route, for the alerts allowed to take it, while that one's breaker admits calls; else the
 * primary anyway (nothing better is left: the retry policy, then the send hold, take over).
 */
export function chooseSmsRoute(urgency: Urgency, use: SecondRouteUse, breakers: { primary: ErrorRateBreaker; secondary: ErrorRateBreaker | null }, now: number): SmsRouteName {
  const { primary, secondary } = breakers;
  if (secondary === null || (use === 'urgent' && urgency !== 'urgent')) return 'primary';
  if (primary.admits(now)) return 'primary';
  return secondary.admits(now) ? 'secondary' : 'primary';
}
