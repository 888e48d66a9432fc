import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { WebhookConnections } from './webhook-connections';

/**
 * A raw TCP receiver, so that each spec decides byte by byte what the simulator's webhook
 * connections read: answers framed in every way HTTP/1.1 allows, connections closed under them.
 */
class RawReceiver {
  readonly requests: Array<{ head: string; body: string; port: number }> = [];
  readonly sockets: Socket[] = [];

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(answer: (socket: Socket, request: { head: string; body: string }, index: number) => void): Promise<RawReceiver> {
    let receiver: RawReceiver | undefined;
    const server = createServer((socket) => {
      receiver?.sockets.push(socket);
      let pending = '';
      socket.on('data', (chunk: Buffer) => {
        pending += chunk.toString('latin1');
        for (;;) {
          const headEnd = pending.indexOf('\r\n\r\n');
          if (headEnd < 0) return;
          const head = pending.slice(0, headEnd);
          const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
          if (pending.length < headEnd + 4 + length) return;
          const request = { head, body: pending.slice(headEnd + 4, headEnd + 4 + length), port: socket.remotePort ?? 0 };
          pending = pending.slice(headEnd + 4 + length);
          receiver?.requests.push(request);
          answer(socket, request, (receiver?.requests.length ?? 1) - 1);
        }
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = new RawReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return receiver;
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const ok = (body: string) => `HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('WebhookConnections', () => {
  let connections: WebhookConnections;
  let receiver: RawReceiver | undefined;

  beforeEach(() => {
    connections = new WebhookConnections({ perOrigin: 2, idleMs: 4_000 });
  });
  afterEach(async () => {
    connections.destroy();
    await receiver?.close();
    receiver = undefined;
  });

  it('writes one POST with its host, headers, length and body, and reads the answer', async () => {
    receiver = await RawReceiver.start((socket) => socket.write(ok('<Response/>')));

    const outcome = await connections.post(`${receiver.origin}/twilio/voice?call=c-1`, { 'X-Twilio-Signature': 'abc=' }, '{"name":"Élise"}', 1_000, false);

    expect(outcome.attempt.reply).toEqual({ status: 200, contentType: 'text/xml', body: '<Response/>' });
    const [request] = receiver.requests;
    expect(request.head.split('\r\n')[0]).toBe('POST /twilio/voice?call=c-1 HTTP/1.1');
    // Header names are case-insensitive (undici writes its own in lower case).
    expect(request.head.toLowerCase()).toContain(`host: ${receiver.origin.slice('http://'.length)}`);
    expect(request.head).toContain('X-Twilio-Signature: abc=');
    // In bytes, not characters.
    expect(request.head.toLowerCase()).toContain('content-length: 17');
    expect(Buffer.from(request.body, 'latin1').toString('utf8')).toBe('{"name":"Élise"}');
  });

  it('reads chunked answers split across packets, and keeps the connection', async () => {
    receiver = await RawReceiver.start((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<Resp\r\n');
      setTimeout(() => socket.write('6;ext=1\r\nonse/>\r\n0\r\nX-Trailer: t\r\n\r\n'), 5);
    });

    const first = await connections.post(`${receiver.origin}/a`, {}, 'x', 1_000, false);
    await aTurnLater();
    const second = await connections.post(`${receiver.origin}/b`, {}, 'y', 1_000, false);

    expect(first.attempt.reply?.body).toBe('<Response/>');
    expect(second.attempt.reply?.body).toBe('<Response/>');
    expect(new Set(receiver.requests.map((request) => request.port)).size).toBe(1);
  });

  it('reads an answer without a length to the end of the connection, and opens another for the next POST', async () => {
    receiver = await RawReceiver.start((socket) => socket.end('HTTP/1.1 500 Oops\r\nConnection: close\r\n\r\nbroken'));

    const first = await connections.post(`${receiver.origin}/a`, {}, 'x', 1_000, false);
    const second = await connections.post(`${receiver.origin}/a`, {}, 'x', 1_000, false);

    expect(first.attempt.reply).toEqual({ status: 500, contentType: null, body: 'broken' });
    expect(second.attempt.reply?.status).toBe(500);
    expect(new Set(receiver.requests.map((request) => request.port)).size).toBe(2);
  });

  it('says when a kept-alive connection was closed under a POST before any answer (stale), and not for a fresh one', async () => {
    receiver = await RawReceiver.start((socket, _request, index) => (index === 0 ? socket.write(ok('')) : socket.destroy()));

    await connections.post(`${receiver.origin}/a`, {}, 'x', 1_000, false);
    await aTurnLater();
    const reused = await connections.post(`${receiver.origin}/a`, {}, 'x', 1_000, false);
    const fresh = await connections.post(`${receiver.origin}/a`, {}, 'x', 1_000, true);

    expect(reused).toEqual({ attempt: { error: 'ECONNRESET' }, staleConnection: true });
    expect(fresh).toEqual({ attempt: { error: 'ECONNRESET' }, staleConnection: false });
  });

  it('times out a receiver that never answers, and refuses a header that would end the head early', async () => {
    receiver = await RawReceiver.start(() => undefined);

    const silent = await connections.post(`${receiver.origin}/a`, {}, 'x', 50, false);
    const smuggling = await connections.post(`${receiver.origin}/a`, { 'X-Evil': 'a\r\n\r\nGET / HTTP/1.1' }, 'x', 1_000, false);

    expect(silent.attempt).toEqual({ error: 'timeout' });
    expect(smuggling.attempt).toEqual({ error: 'UND_ERR_INVALID_ARG' });
    expect(receiver.requests).toHaveLength(1);
  });

  it('opens at most perOrigin connections; further POSTs wait and go in the order they came', async () => {
    const held: Socket[] = [];
    receiver = await RawReceiver.start((socket) => held.push(socket));
    const url = `${receiver.origin}/a`;

    const posts = ['1', '2', '3', '4'].map((body) => connections.post(url, {}, body, 1_000, false));
    await until(() => held.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(receiver.requests.map((request) => request.body)).toEqual(['1', '2']);
    for (const socket of held.splice(0)) socket.write(ok(''));
    await until(() => held.length === 2);
    for (const socket of held.splice(0)) socket.write(ok(''));

    const outcomes = await Promise.all(posts);
    expect(outcomes.map((outcome) => outcome.attempt.reply?.status)).toEqual([200, 200, 200, 200]);
    expect(receiver.requests.map((request) => request.body)).toEqual(['1', '2', '3', '4']);
    expect(new Set(receiver.requests.map((request) => request.port)).size).toBe(2);
  });

  it('ends what is on the wire and what waits when aborted', async () => {
    receiver = await RawReceiver.start(() => undefined);
    const url = `${receiver.origin}/a`;

    const posts = ['1', '2', '3'].map((body) => connections.post(url, {}, body, 5_000, false));
    await until(() => receiver?.requests.length === 2);
    connections.abortAll('Cancelled');

    expect(await Promise.all(posts)).toEqual([1, 2, 3].map(() => ({ attempt: { error: 'Cancelled' } })));
  });

  it('answers a refused connection and an unusable URL with an error, never a rejection', async () => {
    const refused = await connections.post('http://127.0.0.1:1/a', {}, 'x', 1_000, false);
    const unusable = await connections.post('not a url', {}, 'x', 1_000, false);

    expect(refused.attempt.error).toBe('ECONNREFUSED');
    expect(unusable.attempt.error).toBe('TypeError');
  });
});

/**
 * undici frees a connection for the next request once its answer's end has been processed, a
 * turn of the event loop after the answer resolved: a POST made at once opens another.
 */
function aTurnLater(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('condition not met in 1 s');
}
