import { Client, Dispatcher, Pool } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { WebhookAttempt } from './outbound-webhook';

/** How one POST went; `staleConnection`: a kept-alive connection was closed under it before any answer. */
export interface PostOutcome {
  attempt: WebhookAttempt;
  staleConnection?: boolean;
}

export interface ConnectionLimits {
  /** Connections per receiver origin; further POSTs wait for one, first come first served. */
  perOrigin: number;
  /** An idle connection is closed after this long. */
  idleMs: number;
}

/** What abortAll ends the POSTs with: their pools are destroyed with it. */
class Aborted extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * Kept-alive HTTP/1.1 connections to webhook receivers: an undici Pool per receiver origin, one
 * POST at a time on each connection (ADR 0040: undici's client costs the simulator far less CPU
 * per callback than node:http's).
 */
export class WebhookConnections {
  private readonly pools = new Map<string, Pool>();
  /** The one-off clients of POSTs retried on a fresh connection. */
  private readonly fresh = new Set<Client>();

  constructor(private readonly limits: ConnectionLimits) {}

  /**
   * POSTs `body` to `url` with `headers`. Never rejects: a URL it cannot request, a refused or
   * dropped connection and a timeout are each an attempt with an `error`.
   */
  async post(url: string, headers: Readonly<Record<string, string>>, body: string, timeoutMs: number, freshConnection: boolean): Promise<PostOutcome> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return { attempt: { error: 'TypeError' } };
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') return { attempt: { error: 'ERR_INVALID_PROTOCOL' } };
    const request: Dispatcher.DispatchOptions = { method: 'POST', path: `${target.pathname}${target.search}`, headers, body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs };
    // A POST retried because its kept-alive connection went stale gets a connection of its own.
    const client = freshConnection ? new Client(target.origin, { pipelining: 1 }) : undefined;
    if (client !== undefined) this.fresh.add(client);
    try {
      return await new Promise<PostOutcome>((settle) => (client ?? this.poolOf(target.origin)).dispatch(request, new AnswerReader(settle, client === undefined)));
    } finally {
      if (client !== undefined) {
        this.fresh.delete(client);
        client.destroy().catch(() => undefined);
      }
    }
  }

  /** Ends every POST on the wire or waiting with `error`, keeping no connection. */
  abortAll(error: string): void {
    const dispatchers: Dispatcher[] = [...this.pools.values(), ...this.fresh];
    this.pools.clear();
    this.fresh.clear();
    for (const dispatcher of dispatchers) dispatcher.destroy(new Aborted(error)).catch(() => undefined);
  }

  /** Closes every connection (shutdown). */
  destroy(): void {
    this.abortAll('ECONNRESET');
  }

  private poolOf(origin: string): Pool {
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      // The receiver's keep-alive hint must not keep a connection longer than idleMs.
      pool = new Pool(origin, { connections: this.limits.perOrigin, pipelining: 1, keepAliveTimeout: this.limits.idleMs, keepAliveMaxTimeout: this.limits.idleMs });
      this.pools.set(origin, pool);
    }
    return pool;
  }
}

/**
 * Reads one POST's answer straight from the connection (undici's dispatch): status, Content-Type
 * and the body as text. undici's `request` wraps every answer in a Readable stream, an async
 * resource and a promise for its text: per callback more CPU than the rest of reading it.
 */
class AnswerReader implements Dispatcher.DispatchHandler {
  private status = 0;
  private contentType: string | null = null;
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly settle: (outcome: PostOutcome) => void,
    /** On a pooled connection: a failure before any answer may be a stale kept-alive connection. */
    private readonly pooled: boolean,
  ) {}

  onRequestStart(): void {}

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // Interim 1xx answers are skipped, as undici's request does.
    if (statusCode < 200) return;
    this.status = statusCode;
    const contentType = headers['content-type'];
    this.contentType = typeof contentType === 'string' ? contentType : null;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    const body = this.chunks.length === 1 ? this.chunks[0].toString('utf8') : Buffer.concat(this.chunks).toString('utf8');
    this.settle({ attempt: { reply: { status: this.status, contentType: this.contentType, body } } });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    // Once the answer had begun, the POST reached the receiver, whatever the connection.
    this.settle(failure(error, this.pooled && this.status === 0));
  }
}

/**
 * An undici error in the words the retry policies read (failureClassOf): `timeout`, or the
 * connection's error code. `mayBeStale`: no answer had begun on a pooled connection.
 */
function failure(error: unknown, mayBeStale: boolean): PostOutcome {
  if (error instanceof Aborted) return { attempt: { error: error.reason } };
  const code = (error as { code?: unknown }).code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return { attempt: { error: 'timeout' } };
  if (code === 'UND_ERR_SOCKET') {
    // Closed by the receiver. A connection that had read an earlier answer was a kept-alive one,
    // closed by the receiver as this POST went out on it: the POST never reached it.
    const bytesRead = (error as { socket?: { bytesRead?: number } }).socket?.bytesRead ?? 0;
    return { attempt: { error: 'ECONNRESET' }, staleConnection: mayBeStale && bytesRead > 0 };
  }
  return { attempt: { error: typeof code === 'string' ? code : error instanceof Error ? error.name : 'Error' } };
}
