import twilio from 'twilio';
import { TwilioSettings } from '../provider-settings';
import { RedirectingRequestClient } from './redirecting-request-client';

export type TwilioClient = twilio.Twilio;

/**
 * One SDK client per account. SDK-level retries stay off (the default): 429s and 5xx surface as
 * retryable ProviderErrors and go through the system's single retry policy instead.
 */
export function createTwilioClient(settings: TwilioSettings): TwilioClient {
  if (settings.apiBaseUrl === null) return twilio(settings.accountSid, settings.authToken, { timeout: settings.requestTimeoutMs });
  const httpClient = new RedirectingRequestClient(settings.apiBaseUrl, settings.requestTimeoutMs);
  // ClientOpts types httpClient as the concrete RequestClient class, but the SDK only ever calls
  // `request(opts)` on it — which is what its custom-http-client guide relies on.
  return twilio(settings.accountSid, settings.authToken, {
    httpClient: httpClient as unknown as twilio.RequestClient,
  });
}
