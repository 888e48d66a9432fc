import { connect as connectTcp, Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { WebhookAttempt, WebhookReply } from './outbound-webhook';

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

/** An answer's head larger than this is not a webhook receiver's answer: the connection is dropped. */
const MAX_HEAD_BYTES = 64 * 1024;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

interface Exchange {
  timeoutMs: number;
  /** The connection served an earlier POST: closing before any answer means it went stale. */
  reused: boolean;
  settle(outcome: PostOutcome): void;
}

interface Waiting {
  head: string;
  body: string;
  exchange: Exchange;
}

interface Origin {
  secure: boolean;
  host: string;
  port: number;
  idle: Connection[];
  open: number;
  waiting: Waiting[];
}

/**
 * Kept-alive HTTP/1.1 connections to webhook receivers, and one POST at a time on each. The
 * request is written in one piece (head and body, one write), the answer read by a small parser
 * (status, Content-Type, a Content-Length, chunked or read-to-close body), with one socket timer
 * per connection for both the attempt's timeout and the idle limit. node:http's client, which
 * this replaces, spent three quarters of a callback's CPU in its streams, events, agent and
 * header objects (docs/benchmarks.md, 2026-12-06, the simulator's callback sender).
 */
export class WebhookConnections {
  private readonly origins = new Map<string, Origin>();
  private readonly connections = new Set<Connection>();

  constructor(private readonly limits: ConnectionLimits) {}

  /**
   * POSTs `body` to `url` with `headers`. Never rejects: a URL it cannot request, a refused or
   * dropped connection and a timeout are each an attempt with an `error`.
   */
  post(url: string, headers: Readonly<Record<string, string>>, body: string, timeoutMs: number, freshConnection: boolean): Promise<PostOutcome> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return Promise.resolve({ attempt: { error: 'TypeError' } });
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') return Promise.resolve({ attempt: { error: 'ERR_INVALID_PROTOCOL' } });
    let head = `POST ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n`;
    for (const name in headers) {
      const value = headers[name];
      // A header must not be able to end the head early and smuggle a second request.
      if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) return Promise.resolve({ attempt: { error: 'ERR_INVALID_CHAR' } });
      head += `${name}: ${value}\r\n`;
    }
    head += `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\n\r\n`;
    const origin = this.originOf(target);
    return new Promise((settle) => {
      const exchange: Exchange = { timeoutMs, reused: false, settle };
      // A POST retried because its kept-alive connection went stale gets a connection of its own.
      if (freshConnection) {
        this.open(origin).send(head, body, exchange);
        return;
      }
      const idle = origin.idle.pop();
      if (idle !== undefined) {
        exchange.reused = true;
        idle.send(head, body, exchange);
      } else if (origin.open < this.limits.perOrigin) {
        this.open(origin).send(head, body, exchange);
      } else {
        origin.waiting.push({ head, body, exchange });
      }
    });
  }

  /** Ends every POST on the wire or waiting with `error`, keeping no connection. */
  abortAll(error: string): void {
    for (const connection of [...this.connections]) connection.abort(error);
    for (const origin of this.origins.values()) {
      const waiting = origin.waiting.splice(0, origin.waiting.length);
      for (const { exchange } of waiting) exchange.settle({ attempt: { error } });
    }
  }

  /** Closes every connection (shutdown). */
  destroy(): void {
    this.abortAll('ECONNRESET');
  }

  /** Called by a connection that finished its POST and can take another. */
  released(connection: Connection, origin: Origin): void {
    const next = origin.waiting.shift();
    if (next !== undefined) {
      next.exchange.reused = true;
      connection.send(next.head, next.body, next.exchange);
    } else {
      connection.rest(this.limits.idleMs);
      origin.idle.push(connection);
    }
  }

  /** Called by a connection once its socket is gone. */
  closed(connection: Connection, origin: Origin): void {
    this.connections.delete(connection);
    origin.open -= 1;
    const idle = origin.idle.indexOf(connection);
    if (idle >= 0) origin.idle.splice(idle, 1);
    // Its place may go to a POST that waited for one.
    const next = origin.waiting.shift();
    if (next !== undefined) this.open(origin).send(next.head, next.body, next.exchange);
  }

  private open(origin: Origin): Connection {
    const connection = new Connection(this, origin);
    origin.open += 1;
    this.connections.add(connection);
    return connection;
  }

  private originOf(target: URL): Origin {
    const key = `${target.protocol}//${target.host}`;
    let origin = this.origins.get(key);
    if (origin === undefined) {
      const secure = target.protocol === 'https:';
      // An IPv6 literal is written in brackets in a URL, without them to connect.
      const host = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;
      origin = { secure, host, port: target.port === '' ? (secure ? 443 : 80) : Number(target.port), idle: [], open: 0, waiting: [] };
      this.origins.set(key, origin);
    }
    return origin;
  }
}

/** One connection to a receiver, carrying one POST at a time. */
class Connection {
  private readonly socket: Socket;
  private exchange: Exchange | null = null;
  /** Bytes of the answer read so far. */
  private received: Buffer | null = null;
  private gone = false;

  constructor(
    private readonly pool: WebhookConnections,
    private readonly origin: Origin,
  ) {
    this.socket = origin.secure ? connectTls({ host: origin.host, port: origin.port, servername: origin.host }) : connectTcp(origin.port, origin.host);
    this.socket.setNoDelay(true);
    this.socket.setKeepAlive(true, 1_000);
    this.socket.on('data', this.onData);
    this.socket.on('error', this.onError);
    this.socket.on('close', this.onClose);
    this.socket.on('timeout', this.onTimeout);
  }

  send(head: string, body: string, exchange: Exchange): void {
    this.exchange = exchange;
    this.received = null;
    this.socket.ref();
    this.socket.setTimeout(exchange.timeoutMs);
    this.socket.write(head + body);
  }

  /** Waiting for the next POST: the idle limit, and nothing kept alive on its account. */
  rest(idleMs: number): void {
    this.socket.setTimeout(idleMs);
    this.socket.unref();
  }

  abort(error: string): void {
    this.finish({ attempt: { error } });
    this.socket.destroy();
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.exchange === null) {
      // Bytes nobody asked for: the connection cannot be trusted with the next POST.
      this.socket.destroy();
      return;
    }
    this.received = this.received === null ? chunk : Buffer.concat([this.received, chunk]);
    const answer = parseAnswer(this.received, false);
    if (answer === 'incomplete') return;
    if (answer === 'malformed') {
      this.abort('HPE_INVALID_RESPONSE');
      return;
    }
    this.finish({ attempt: { reply: answer.reply } });
    if (answer.keepAlive && answer.rest === 0) this.pool.released(this, this.origin);
    else this.socket.destroy();
  };

  private readonly onTimeout = (): void => {
    this.finish({ attempt: { error: 'timeout' } });
    this.socket.destroy();
  };

  private readonly onError = (error: NodeJS.ErrnoException): void => {
    this.closeWith(typeof error.code === 'string' ? error.code : error.name);
  };

  private readonly onClose = (): void => {
    this.closeWith('ECONNRESET');
  };

  private closeWith(error: string): void {
    if (this.exchange !== null) {
      // An answer without a length ends with the connection.
      const answer = this.received === null ? 'incomplete' : parseAnswer(this.received, true);
      if (typeof answer === 'object') this.finish({ attempt: { reply: answer.reply } });
      // A kept-alive connection the receiver closed just as it was reused: the POST never reached it.
      else this.finish({ attempt: { error }, staleConnection: this.exchange.reused && this.received === null });
    }
    if (!this.gone) {
      this.gone = true;
      this.socket.destroy();
      this.pool.closed(this, this.origin);
    }
  }

  private finish(outcome: PostOutcome): void {
    const exchange = this.exchange;
    if (exchange === null) return;
    this.exchange = null;
    this.received = null;
    exchange.settle(outcome);
  }
}

interface Answer {
  reply: WebhookReply;
  keepAlive: boolean;
  /** Bytes after the answer. */
  rest: number;
}

/**
 * The answer in `bytes`, if it is all there: the status line, headers, and a body delimited by
 * Content-Length, chunked encoding or (when `closed`) the end of the connection. Interim 1xx
 * answers are skipped.
 */
function parseAnswer(bytes: Buffer, closed: boolean): Answer | 'incomplete' | 'malformed' {
  let start = 0;
  for (;;) {
    const headEnd = bytes.indexOf(HEAD_END, start);
    if (headEnd < 0) return bytes.length - start > MAX_HEAD_BYTES ? 'malformed' : 'incomplete';
    const lines = bytes.toString('latin1', start, headEnd).split('\r\n');
    const statusLine = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0]);
    if (statusLine === null) return 'malformed';
    const status = Number(statusLine[2]);
    let contentType: string | null = null;
    let length = -1;
    let chunked = false;
    let keepAlive = statusLine[1] === '1';
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(':');
      if (colon <= 0) return 'malformed';
      const name = lines[i].slice(0, colon).trim().toLowerCase();
      const value = lines[i].slice(colon + 1).trim();
      if (name === 'content-length') length = Number(value);
      else if (name === 'transfer-encoding') chunked = value.toLowerCase().includes('chunked');
      else if (name === 'content-type') contentType = value;
      else if (name === 'connection') keepAlive = value.toLowerCase().includes('keep-alive') || (keepAlive && !value.toLowerCase().includes('close'));
    }
    const bodyStart = headEnd + HEAD_END.length;
    if (status >= 100 && status < 200) {
      start = bodyStart;
      continue;
    }
    if (status === 204 || status === 304) return answerOf(status, contentType, Buffer.alloc(0), keepAlive, bytes.length - bodyStart);
    if (chunked) {
      const body = dechunk(bytes, bodyStart);
      if (body === 'malformed' || body === 'incomplete') return closed && body === 'incomplete' ? 'malformed' : body;
      return answerOf(status, contentType, body.body, keepAlive, bytes.length - body.end);
    }
    if (length >= 0) {
      if (!Number.isSafeInteger(length)) return 'malformed';
      if (bytes.length < bodyStart + length) return closed ? 'malformed' : 'incomplete';
      return answerOf(status, contentType, bytes.subarray(bodyStart, bodyStart + length), keepAlive, bytes.length - bodyStart - length);
    }
    // Neither: the body runs to the end of the connection.
    return closed ? answerOf(status, contentType, bytes.subarray(bodyStart), false, 0) : 'incomplete';
  }
}

function answerOf(status: number, contentType: string | null, body: Buffer, keepAlive: boolean, rest: number): Answer {
  return { reply: { status, contentType, body: body.toString('utf8') }, keepAlive, rest };
}

/** A chunked body from `start`: its bytes and where the encoding ends (after the trailers). */
function dechunk(bytes: Buffer, start: number): { body: Buffer; end: number } | 'incomplete' | 'malformed' {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = bytes.indexOf(CRLF, at);
    if (lineEnd < 0) return 'incomplete';
    const size = Number.parseInt(bytes.toString('latin1', at, lineEnd).split(';')[0].trim(), 16);
    if (!Number.isSafeInteger(size) || size < 0) return 'malformed';
    if (size === 0) {
      // Trailers, if any, then an empty line.
      const trailersEnd = bytes.subarray(lineEnd, lineEnd + 4).equals(HEAD_END) ? lineEnd : bytes.indexOf(HEAD_END, lineEnd);
      return trailersEnd < 0 ? 'incomplete' : { body: Buffer.concat(parts), end: trailersEnd + HEAD_END.length };
    }
    const dataStart = lineEnd + CRLF.length;
    if (bytes.length < dataStart + size + CRLF.length) return 'incomplete';
    parts.push(bytes.subarray(dataStart, dataStart + size));
    at = dataStart + size + CRLF.length;
  }
}
