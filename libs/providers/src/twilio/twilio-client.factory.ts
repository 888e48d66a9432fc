import twilio from 'twilio';
import { TwilioSettings } from '../provider-settings';
import { RedirectingRequestClient } from './redirecting-request-client';
import { TwilioHttpClient } from './twilio-http-client';

export type TwilioClient = twilio.Twilio;

/**
 * One SDK client per account, over TwilioHttpClient (ADR 0051). SDK-level retries stay off (the
 * default): 429s and 5xx surface as retryable ProviderErrors and go through the system's single
 * retry policy instead.
 */
export function createTwilioClient(settings: TwilioSettings): TwilioClient {
  const http = new TwilioHttpClient(settings.requestTimeoutMs);
  const httpClient = settings.apiBaseUrl === null ? http : new RedirectingRequestClient(settings.apiBaseUrl, http);
  // ClientOpts types httpClient as the concrete RequestClient class, but the SDK only ever calls
  // `request(opts)` on it — which is what its custom-http-client guide relies on.
  return twilio(settings.accountSid, settings.authToken, { httpClient: httpClient as unknown as twilio.RequestClient });
}
