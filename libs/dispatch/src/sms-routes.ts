import { Logger } from '@nestjs/common';
import { CircuitBreakerSettings, DEFAULT_CIRCUIT_BREAKER, ErrorRateBreaker, SecondRouteUse, SmsRouteName, Urgency, chooseSmsRoute } from '@bin-alert/domain';
import { ProviderError, SmsSender } from '@bin-alert/providers';
import type { RateLimit } from './provider-rate-limiter';

/** One way out for SMS: a provider account, its sending number's shared rate limit (Redis). */
export interface SmsRoute {
  name: SmsRouteName;
  sender: SmsSender;
  limit: RateLimit;
}

/**
 * Whether a failed call says the route itself is failing, rather than something about the member
 * (invalid number, unsubscribed) or the provider's pace (429: the rate limiter's business).
 */
export function isRouteFailure(error: unknown): boolean {
  if (!(error instanceof ProviderError)) return false;
  if (error.httpStatus === undefined) return true;
  return error.httpStatus >= 500 || error.httpStatus === 401 || error.httpStatus === 403;
}

/**
 * The SMS routes of one dispatcher instance, each behind the same SmsSender port, with an
 * error-rate breaker per route (ADR 0033). Each instance judges the routes by its own calls: an
 * outage shows in every instance's calls within a fraction of a second at alert rates, so shared
 * state would buy little for another round trip per call and another way to fail.
 */
export class SmsRoutes {
  private readonly logger = new Logger('sms-routes');
  private readonly breakers: Record<SmsRouteName, ErrorRateBreaker | null>;

  constructor(
    readonly primary: SmsRoute,
    readonly secondary: SmsRoute | null,
    private readonly secondRouteFor: SecondRouteUse = 'urgent',
    breaker: CircuitBreakerSettings = DEFAULT_CIRCUIT_BREAKER,
    private readonly clock: () => number = Date.now,
  ) {
    this.breakers = { primary: new ErrorRateBreaker(breaker), secondary: secondary ? new ErrorRateBreaker(breaker) : null };
  }

  /** One route: the sender and the limit of TWILIO_FROM_NUMBER, as before there were two. */
  static single(sender: SmsSender, limit: RateLimit): SmsRoutes {
    return new SmsRoutes({ name: 'primary', sender, limit }, null);
  }

  /** In the order an in-doubt lookup asks them. */
  get all(): SmsRoute[] {
    return this.secondary ? [this.primary, this.secondary] : [this.primary];
  }

  /** The route the next attempt of an alert of this urgency takes (a half-open breaker counts it as a trial). */
  next(urgency: Urgency): SmsRoute {
    const name = chooseSmsRoute(urgency, this.secondRouteFor, { primary: this.breakers.primary!, secondary: this.breakers.secondary }, this.clock());
    return name === 'secondary' && this.secondary ? this.secondary : this.primary;
  }

  /** The route a chunk's first attempts are expected to take, to pay their tokens up front; counts no trial. */
  likely(urgency: Urgency): SmsRoute {
    const mayTakeSecond = this.secondary && (this.secondRouteFor === 'all' || urgency === 'urgent');
    return mayTakeSecond && this.breakers.primary!.state(this.clock()) === 'open' ? this.secondary! : this.primary;
  }

  /** What a call on `route` came to: accepted (no error), or the error it failed with. */
  record(route: SmsRoute, error: unknown): void {
    const breaker = this.breakers[route.name];
    if (!breaker || (error !== null && !(error instanceof ProviderError))) return;
    const now = this.clock();
    const before = breaker.state(now);
    breaker.record(error !== null && isRouteFailure(error), now);
    const after = breaker.state(now);
    if (after === before) return;
    const fallback = this.secondary && route.name === 'primary' ? `; ${this.secondRouteFor === 'all' ? 'all' : 'urgent'} SMS take the secondary route meanwhile` : '';
    if (after === 'open')
      this.logger.warn({
        msg: `SMS route ${route.name} is failing: circuit open${fallback}`,
        route: route.name,
        lastError: error instanceof ProviderError ? error.reason : undefined,
      });
    else this.logger.log({ msg: `SMS route ${route.name} works again: circuit ${after}`, route: route.name });
  }
}
