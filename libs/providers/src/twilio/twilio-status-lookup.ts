import type { ProviderAnswer } from '@bin-alert/domain';
import { DeliveryStatusLookup, SentDelivery } from '../ports';
import { ProviderError } from '../provider-error';
import { ProviderSettings } from '../provider-settings';
import { createTwilioClient, TwilioClient } from './twilio-client.factory';
import { twilioFailure } from './twilio-failure';

/** Twilio's answer for a resource it does not hold: HTTP 404 (code 20404). */
const NOT_FOUND = 404;

/**
 * Fetches a message or call by its sid with the real SDK (`messages(sid).fetch()`,
 * `calls(sid).fetch()`), from the account that sent it: an SMS of the second route is known only
 * to the second account (ADR 0033); calls go out from the first.
 */
export class TwilioStatusLookup implements DeliveryStatusLookup {
  private readonly primary: TwilioClient;
  private readonly secondary: TwilioClient | null;

  constructor(settings: Pick<ProviderSettings, 'twilio' | 'twilioSecond'>, clients?: { primary: TwilioClient; secondary: TwilioClient | null }) {
    this.primary = clients?.primary ?? createTwilioClient(settings.twilio);
    this.secondary = clients ? clients.secondary : settings.twilioSecond && createTwilioClient(settings.twilioSecond);
  }

  async lookUp(sent: SentDelivery): Promise<ProviderAnswer> {
    try {
      if (sent.channel === 'voice') {
        const c = await this.primary.calls(sent.providerId).fetch();
        return statusAnswer(c.status, null, c.answeredBy, c.dateUpdated);
      }
      const client = sent.route === 'secondary' && this.secondary ? this.secondary : this.primary;
      const m = await client.messages(sent.providerId).fetch();
      return statusAnswer(m.status, m.errorCode, null, m.dateUpdated);
    } catch (error: unknown) {
      const failure = twilioFailure(error);
      if (failure.httpStatus === NOT_FOUND) return { kind: 'unknown' };
      return { kind: 'no_answer', reason: new ProviderError('twilio', failure).reason };
    }
  }
}

function statusAnswer(status: string, errorCode: number | null | undefined, answeredBy: string | null | undefined, updatedAt: Date | null | undefined): ProviderAnswer {
  return {
    kind: 'status',
    providerStatus: String(status).toLowerCase(),
    ...(errorCode ? { errorCode: String(errorCode) } : {}),
    ...(answeredBy ? { answeredBy } : {}),
    ...(updatedAt instanceof Date && !Number.isNaN(updatedAt.getTime()) ? { updatedAt } : {}),
  };
}
