import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
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
 * SDK parses itself.
 *
 * The environment the SDK's own client reads, read the same way when the client is made: a
 * `TWILIO_CA_BUNDLE` file is the https agent's `ca` (certificate authorities trusted instead of
 * node's), and `HTTP_PROXY` carries every https request through that proxy (a CONNECT tunnel, as
 * the SDK's https-proxy-agent does; credentials in the URL go as Proxy-Authorization). As there,
 * `HTTPS_PROXY` and `NO_PROXY` are not read, and plain-http requests (the simulator) go direct.
 * Unlike there, a tunnel is kept alive like any other connection, and the CA bundle also holds
 * behind a proxy (the SDK drops it then).
 */
export class TwilioHttpClient {
  /**
   * Node's global agent's options. The timeout is what lets the agent honour a server's
   * `Keep-Alive: timeout=N` and drop an idle connection a second before the server does: without
   * one, a request written on a connection the server is closing fails in doubt (ECONNRESET), as
   * 19 SMS of a benchmark run did (docs/benchmarks.md, 2026-12-06 night).
   */
  private readonly agents: { 'http:': http.Agent; 'https:': https.Agent };

  constructor(
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
    env: TwilioHttpEnvironment = process.env,
  ) {
    const ca = env.TWILIO_CA_BUNDLE !== undefined ? readFileSync(env.TWILIO_CA_BUNDLE) : undefined;
    const httpsOptions = { ...KEPT_ALIVE, ...(ca ? { ca } : {}) };
    this.agents = {
      'http:': new http.Agent(KEPT_ALIVE),
      'https:': env.HTTP_PROXY ? new TunnellingAgent(new URL(env.HTTP_PROXY), httpsOptions) : new https.Agent(httpsOptions),
    };
  }

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

/** What the SDK's client reads from the environment (twilio/lib/base/RequestClient.js). */
export interface TwilioHttpEnvironment {
  HTTP_PROXY?: string;
  TWILIO_CA_BUNDLE?: string;
}

/**
 * An https agent whose connections are tunnels through an HTTP(S) proxy: a CONNECT to the
 * target's host and port, then TLS to the target over it (with the agent's `ca`). Node's Agent
 * takes the socket from the callback, pools it and keeps it alive as any other.
 */
class TunnellingAgent extends https.Agent {
  constructor(
    private readonly proxy: URL,
    options: https.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: https.RequestOptions, callback?: (error: Error | null, socket: Duplex) => void): undefined {
    const done = callback ?? (() => undefined);
    const target = `${options.host}:${options.port ?? 443}`;
    const headers: Record<string, string> = { Host: target };
    if (this.proxy.username) {
      const credentials = `${decodeURIComponent(this.proxy.username)}:${decodeURIComponent(this.proxy.password)}`;
      headers['Proxy-Authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    const transport = this.proxy.protocol === 'https:' ? https : http;
    const connect = transport.request({ host: this.proxy.hostname, port: this.proxy.port || undefined, method: 'CONNECT', path: target, headers, agent: false });
    connect.once('connect', (response, socket) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        done(new Error(`proxy ${this.proxy.host} refused CONNECT ${target}: ${response.statusCode}`), socket);
        return;
      }
      // The options carry the agent's (ca) and the servername node worked out for the target; the
      // request's path is no socket path.
      const { path: _requestPath, ...tlsOptions } = options as tls.ConnectionOptions;
      done(null, tls.connect({ ...tlsOptions, socket }));
    });
    connect.once('error', (error) => done(error, connect.socket as Duplex));
    connect.end();
    return undefined;
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
