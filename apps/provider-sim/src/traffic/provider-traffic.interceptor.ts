import { CallHandler, ExecutionContext, HttpException, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { setTimeout as delay } from 'node:timers/promises';
import { Observable } from 'rxjs';
import { SimApi } from '../config/sim-config';
import { SimConfigStore } from '../config/sim-config.store';
import { SimRandom } from '../random/sim-random';
import { SendGridTooManyRequests } from '../sendgrid/sendgrid-too-many-requests';
import { SimStats } from '../stats/sim-stats';
import { twilioErrors } from '../twilio/twilio-api.error';
import { CHANNEL_OF_API, SIMULATED_API } from './simulated-api.decorator';
import { Admission, TrafficGate } from './traffic-gate';

interface HeaderWriter {
  setHeader(name: string, value: string): unknown;
}

/**
 * In front of each provider API handler (after authentication): the configured latency, then
 * the rate limit and 429 storms, answered in that provider's own 429 shape.
 */
@Injectable()
export class ProviderTrafficInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly gate: TrafficGate,
    private readonly random: SimRandom,
    private readonly config: SimConfigStore,
    private readonly stats: SimStats,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const api = this.reflector.get<SimApi | undefined>(SIMULATED_API, context.getHandler());
    if (api === undefined) return next.handle();
    const { min, max } = this.config.current.latencyMs;
    if (max > 0) await delay(this.random.next(`latency/${api}`).between(min, max));

    const admission = this.gate.admit(api);
    if (api === 'sendgridMail') setRateLimitHeaders(context.switchToHttp().getResponse<HeaderWriter>(), admission);
    if (!admission.admitted) {
      this.stats.rateLimited(CHANNEL_OF_API[api]);
      throw tooManyRequests(api);
    }
    return next.handle();
  }
}

function tooManyRequests(api: SimApi): HttpException {
  return api === 'sendgridMail' ? new SendGridTooManyRequests() : twilioErrors.tooManyRequests();
}

/** SendGrid reports its limit on every answer of a limited endpoint, not only on the 429. */
function setRateLimitHeaders(reply: HeaderWriter, admission: Admission): void {
  if (admission.limit === undefined) return;
  reply.setHeader('X-RateLimit-Limit', String(Math.floor(admission.limit)));
  reply.setHeader('X-RateLimit-Remaining', String(admission.remaining ?? 0));
  reply.setHeader('X-RateLimit-Reset', String(admission.resetAt ?? Math.ceil(Date.now() / 1000)));
}
