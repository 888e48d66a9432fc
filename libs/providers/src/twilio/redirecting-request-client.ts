import { context, propagation } from '@opentelemetry/api';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';
import type { TwilioHttpClient } from './twilio-http-client';

/** Any Twilio API host, including the regional/edge forms (api.dublin.ie1.twilio.com). */
const TWILIO_ORIGIN = /^https:\/\/([a-z0-9-]+\.)*twilio\.com(:443)?(?=\/|$)/i;

/**
 * The documented custom `httpClient` of twilio-node: rewrites each request's origin to another
 * one (the provider simulator) and lets the client real Twilio is called with do the rest, so
 * requests, auth and error handling are the same for both. Preferred over patching
 * `client.api.baseUrl`, which the SDK then re-mangles with TWILIO_EDGE/TWILIO_REGION.
 */
export class RedirectingRequestClient {
  private readonly origin: string;

  constructor(
    origin: string,
    private readonly delegate: Pick<TwilioHttpClient, 'request'>,
  ) {
    this.origin = origin.replace(/\/+$/, '');
  }

  /**
   * The call's trace context goes along (W3C traceparent, ADR 0020): the simulator is ours. Real
   * Twilio is called without this client, and is not sent it.
   */
  request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    const headers = { ...opts.headers };
    propagation.inject(context.active(), headers);
    return this.delegate.request({ ...opts, uri: this.redirect(opts.uri), headers });
  }

  redirect(uri: string): string {
    return uri.replace(TWILIO_ORIGIN, this.origin);
  }
}
