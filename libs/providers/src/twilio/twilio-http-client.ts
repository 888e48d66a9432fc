import * as http from 'node:http';
import * as https from 'node:https';
import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';

/** twilio-node's own default: how long a request may go unanswered. */
const DEFAULT_TIMEOUT_MS = 30_000;

const KEPT_ALIVE = { keepAlive: true, scheduling: 'lifo', timeout: 5_000 } as const;

/** The error of a request that got no answer in time: axios's code, which the SDK's own client gave. */
export class TwilioRequestTimeoutError extends Error {
  override readonly name = 'TwilioRequestTimeoutError';
  readonly code = 'ECONNABORTED';
}

/**
 * The documented custom `httpClient` of twilio-node, in place of its RequestClient: the SDK still
 * builds every request (parameters, URL, auth, headers) and reads every answer (JSON, errors),
 * this only carries it over node's http, on kept-alive connections of its own agent. The SDK's
 * client goes through axios, whose per-request work (config merging, header objects, transforms,
 * response streams, a Request and a Response kept per call) was the largest item of the SMS
 * dispatcher's profile, ahead of the app itself (ADR 0051). The body is form-encoded as the SDK's
 * client does it (arrays as repeated keys) and the answer's body handed back as text, which the
 * SDK parses itself. No proxy and no extra CA bundle: the SDK's HTTP_PROXY and TWILIO_CA_BUNDLE
 * are not read.
 */
export class TwilioHttpClient {
  /**
   * Node's global agent's options. The timeout is what lets the agent honour a server's
   * `Keep-Alive: timeout=N` and drop an idle connection a second before the server does: without
   * one, a request written on a connection the server is closing fails in doubt (ECONNRESET), as
   * 19 SMS of a benchmark run did (docs/benchmarks.md, 2026-12-06 night).
   */
  private readonly agents = {
    'http:': new http.Agent(KEPT_ALIVE),
    'https:': new https.Agent(KEPT_ALIVE),
  };

  constructor(private readonly timeoutMs = DEFAULT_TIMEOUT_MS) {}

  request<TData>(opts: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    const url = new URL(opts.uri);
    if (opts.params) url.search = formEncoded(opts.params);
    const headers: Record<string, string> = { ...(opts.headers as Record<string, string> | undefined) };
    if (opts.username && opts.password) headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
    let body: string | undefined;
    if (opts.data !== undefined && opts.data !== null) {
      const contentType = headers['Content-Type'];
      body = contentType === 'application/json' ? JSON.stringify(opts.data) : formEncoded(opts.data);
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const timeoutMs = opts.timeout ?? this.timeoutMs;
    const transport = url.protocol === 'https:' ? https : http;
    const agent = url.protocol === 'https:' ? this.agents['https:'] : this.agents['http:'];
    return new Promise((resolve, reject) => {
      const request = transport.request(url, { method: opts.method.toUpperCase(), headers, agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          clearTimeout(timer);
          resolve({ statusCode: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') as TData, headers: response.headers } as Response<TData>);
        });
      });
      // The whole request, answer included, as the SDK's client times it: a saturated provider
      // that reads the request and never answers ends here, in doubt (chaos finding 1).
      const timer = setTimeout(() => request.destroy(new TwilioRequestTimeoutError(`no answer from Twilio within ${timeoutMs} ms`)), timeoutMs);
      request.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      request.end(body);
    });
  }
}

/** x-www-form-urlencoded with arrays as repeated keys (qs's arrayFormat "repeat", as the SDK's client). */
function formEncoded(fields: object): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) form.append(key, item === null ? '' : String(item));
  }
  return form.toString();
}
