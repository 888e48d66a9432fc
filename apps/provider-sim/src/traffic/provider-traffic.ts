import { HttpException, Injectable } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import { SimApi } from '../config/sim-config';
import { SimConfigStore } from '../config/sim-config.store';
import { SimChannel } from '../inbox/sim-message';
import { SimRandom } from '../random/sim-random';
import { SendGridTooManyRequests } from '../sendgrid/sendgrid-too-many-requests';
import { SimStats } from '../stats/sim-stats';
import { twilioErrors } from '../twilio/twilio-api.error';
import { Admission, TrafficGate } from './traffic-gate';

export const CHANNEL_OF_API: Record<SimApi, SimChannel> = {
  twilioMessages: 'sms',
  twilioCalls: 'voice',
  sendgridMail: 'email',
};

export interface HeaderWriter {
  setHeader(name: string, value: string): unknown;
}

/**
 * In front of each provider API handler (after authentication): the configured latency, then
 * the rate limit and 429 storms, answered in that provider's own 429 shape.
 */
@Injectable()
export class ProviderTraffic {
  constructor(
    private readonly gate: TrafficGate,
    private readonly random: SimRandom,
    private readonly config: SimConfigStore,
    private readonly stats: SimStats,
  ) {}

  /** Resolves when the request may be served; throws the provider's 429 when it may not. */
  async admit(api: SimApi, reply: HeaderWriter): Promise<void> {
    const { min, max } = this.config.current.latencyMs;
    if (max > 0) await delay(this.random.next(`latency/${api}`).between(min, max));

    const admission = this.gate.admit(api);
    if (api === 'sendgridMail') setRateLimitHeaders(reply, admission);
    if (!admission.admitted) {
      this.stats.rateLimited(CHANNEL_OF_API[api]);
      throw tooManyRequests(api);
    }
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
