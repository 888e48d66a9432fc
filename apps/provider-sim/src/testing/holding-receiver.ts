import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface HeldRequest {
  /** Path and query as requested. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Form fields (single values), for form-encoded bodies. */
  form: Record<string, string>;
}

/**
 * A receiver that reads every POST and answers none until released: the tracker of a national
 * alert, slower than the messages, as the simulator's backlog specs need it. Specs wait on it,
 * never on the clock.
 */
export class HoldingReceiver {
  readonly received: HeldRequest[] = [];
  private readonly held: ServerResponse[] = [];
  private released = false;
  private waiters: Array<{ count: number; done: () => void }> = [];

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<HoldingReceiver> {
    let receiver: HoldingReceiver | undefined;
    const server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => receiver?.take({ path: req.url ?? '/', headers: req.headers, body, form: Object.fromEntries(new URLSearchParams(body)) }, res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = new HoldingReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return receiver;
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  /** How many POSTs are read and left unanswered. */
  get holding(): number {
    return this.held.length;
  }

  /** Resolves once `count` POSTs were received in all. */
  receivedCount(count: number): Promise<void> {
    return new Promise((done) => {
      this.waiters.push({ count, done });
      this.check();
    });
  }

  /** Answers the held POSTs (200), and from now on every POST at once. */
  release(): void {
    this.released = true;
    for (const res of this.held.splice(0)) res.writeHead(200).end();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private take(request: HeldRequest, res: ServerResponse): void {
    this.received.push(request);
    if (this.released) res.writeHead(200).end();
    else this.held.push(res);
    this.check();
  }

  private check(): void {
    const ready = this.waiters.filter((w) => this.received.length >= w.count);
    this.waiters = this.waiters.filter((w) => this.received.length < w.count);
    for (const w of ready) w.done();
  }
}
