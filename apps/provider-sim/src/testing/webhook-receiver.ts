import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  /** Path and query as requested. */
  path: string;
  /** The full URL the simulator posted to, e.g. to check a Twilio signature against. */
  url: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** Form fields (single values), for form-encoded bodies. */
  form: Record<string, string>;
  /** The sender's port: the same one on several requests means they came over one kept-alive connection. */
  remotePort: number | undefined;
  /** When it arrived (ms since the epoch), to check the spacing of retries. */
  receivedAt: number;
}

export interface CannedReply {
  status: number;
  body?: string;
  contentType?: string;
}

type Responder = (request: ReceivedRequest) => CannedReply;

interface Waiter {
  matches(): boolean;
  resolve(): void;
}

/**
 * A callback target for specs: a plain node:http server on 127.0.0.1 that records every request
 * and answers as told (200 with an empty body by default). Specs wait on it, never on the clock.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  private waiters: Waiter[] = [];
  private responder: Responder = () => ({ status: 200 });

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = createServer((req, res) => void receiver?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}`);
    return receiver;
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  respondWith(responder: Responder): void {
    this.responder = responder;
  }

  /** Requests to `path` (query ignored) in arrival order. */
  on(path: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path.split('?')[0] === path);
  }

  /** Resolves once `count` requests to `path` have arrived; rejects after `timeoutMs`. */
  async waitFor(path: string, count: number, timeoutMs = 5000): Promise<ReceivedRequest[]> {
    await this.until(() => this.on(path).length >= count, timeoutMs, `${count} request(s) to ${path}, got ${this.on(path).length}`);
    return this.on(path);
  }

  until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== entry);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const entry: Waiter = {
        matches: condition,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(entry);
    });
  }

  reset(): void {
    this.requests.length = 0;
    this.responder = () => ({ status: 200 });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    const path = req.url ?? '/';
    const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const request: ReceivedRequest = {
      method: req.method ?? 'GET',
      path,
      url: `${this.origin}${path}`,
      headers: req.headers,
      rawBody,
      form: isForm ? Object.fromEntries(new URLSearchParams(rawBody.toString('utf8'))) : {},
      remotePort: req.socket.remotePort,
      receivedAt: Date.now(),
    };
    const reply = this.responder(request);
    this.requests.push(request);
    res.writeHead(reply.status, { 'Content-Type': reply.contentType ?? 'text/plain' });
    res.end(reply.body ?? '');
    const ready = this.waiters.filter((waiter) => waiter.matches());
    this.waiters = this.waiters.filter((waiter) => !ready.includes(waiter));
    for (const waiter of ready) waiter.resolve();
  }
}
