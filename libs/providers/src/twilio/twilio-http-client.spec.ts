import { IncomingMessage, Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderError } from '../provider-error';
import { TwilioSmsSender } from './twilio-sms.sender';
import { TwilioVoiceCaller } from './twilio-voice.caller';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  socket: unknown;
}

/** A stand-in for the Twilio API: records each request, answers with `answer`. */
async function fakeTwilio(answer: (seen: Seen) => { status: number; body: unknown }): Promise<{ origin: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, socket: req.socket };
      seen.push(request);
      const { status, body: payload } = answer(request);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

async function closed(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

describe('TwilioHttpClient (the SDK over node:http, ADR 0051)', () => {
  const settings = { accountSid: `AC${'0'.repeat(32)}`, authToken: 'secret', fromNumber: '+32460200100' };
  const created = { sid: 'SM00000000000000000000000000000001', status: 'queued', date_created: 'Sun, 06 Dec 2026 21:00:00 +0000' };

  it('sends what the SDK builds: basic auth, its headers, a form body with repeated keys, on one kept-alive connection', async () => {
    const twilioApi = await fakeTwilio(() => ({ status: 201, body: created }));
    try {
      const caller = new TwilioVoiceCaller({ ...settings, apiBaseUrl: twilioApi.origin });
      for (let i = 0; i < 3; i++) {
        await caller.call({
          deliveryId: 'd',
          to: '+3253732727',
          answer: { url: 'http://t/voice-answer?deliveryId=d&x=a b' },
          statusCallbackUrl: 'http://t/c?deliveryId=d',
          statusCallbackEvents: ['initiated', 'completed'],
        });
      }
      const [first] = twilioApi.seen;
      expect(first.method).toBe('POST');
      expect(first.url).toBe(`/2010-04-01/Accounts/${settings.accountSid}/Calls.json`);
      expect(first.headers.authorization).toBe(`Basic ${Buffer.from(`${settings.accountSid}:secret`).toString('base64')}`);
      expect(first.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(first.headers['user-agent']).toMatch(/^twilio-node\//);
      const form = new URLSearchParams(first.body);
      expect(form.getAll('StatusCallbackEvent')).toEqual(['initiated', 'completed']);
      expect(form.get('Url')).toBe('http://t/voice-answer?deliveryId=d&x=a b');
      expect(form.get('To')).toBe('+3253732727');
      // Kept alive: the three calls went over the first one's connection.
      expect(twilioApi.seen.map((s) => s.socket)).toEqual([first.socket, first.socket, first.socket]);
    } finally {
      await closed(twilioApi.server);
    }
  });

  it('drops an idle connection before the server’s announced keep-alive timeout ends it, rather than write on it (ECONNRESET, in doubt)', async () => {
    const twilioApi = await fakeTwilio(() => ({ status: 201, body: created }));
    // Announced as "Keep-Alive: timeout=2": the client keeps it a second less.
    twilioApi.server.keepAliveTimeout = 2_000;
    try {
      const sender = new TwilioSmsSender({ ...settings, apiBaseUrl: twilioApi.origin });
      await sender.send({ deliveryId: 'd', to: '+32470000001', body: 'b' });
      await sender.send({ deliveryId: 'd', to: '+32470000001', body: 'b' });
      await new Promise((r) => setTimeout(r, 1_500));
      await sender.send({ deliveryId: 'd', to: '+32470000001', body: 'b' });
      const [first, second, third] = twilioApi.seen.map((s) => s.socket);
      expect(second).toBe(first);
      expect(third).not.toBe(first);
    } finally {
      await closed(twilioApi.server);
    }
  });

  it('hands the answer to the SDK, which reads it: a create’s sid, a list’s query string, a refusal’s code', async () => {
    const twilioApi = await fakeTwilio(({ method, url }) => {
      if (method === 'GET') return { status: 200, body: { messages: [{ ...created, body: 'b', to: '+32470000001' }], next_page_uri: null, page: 0, page_size: 20 } };
      if (url.endsWith('/Messages.json') && twilioApi.seen.length > 1) return { status: 400, body: { code: 21211, message: 'invalid To', status: 400 } };
      return { status: 201, body: created };
    });
    try {
      const sender = new TwilioSmsSender({ ...settings, apiBaseUrl: twilioApi.origin });
      await expect(sender.send({ deliveryId: 'd', to: '+32470000001', body: 'b' })).resolves.toEqual({ providerId: created.sid });
      const refused = await sender.send({ deliveryId: 'd', to: '+32470000001', body: 'b' }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ProviderError);
      expect(refused).toMatchObject({ httpStatus: 400, code: '21211', kind: 'terminal' });
      await expect(sender.listSent({ to: '+32470000001', since: new Date('2026-12-06T20:59:00Z') })).resolves.toEqual([{ sid: created.sid, body: 'b' }]);
      const listed = new URL(twilioApi.seen[2].url, twilioApi.origin);
      expect(listed.searchParams.get('To')).toBe('+32470000001');
      expect(listed.searchParams.get('PageSize')).toBe('20');
    } finally {
      await closed(twilioApi.server);
    }
  });

  it('gives up a request after its timeout with ECONNABORTED, a failure that may have reached Twilio (chaos finding 1)', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const failure = await new TwilioSmsSender({ ...settings, apiBaseUrl: origin, requestTimeoutMs: 200 })
        .send({ deliveryId: 'd', to: '+32470000001', body: 'b' })
        .catch((error: unknown) => error);
      expect(failure).toMatchObject({ reason: 'network_error', transportCode: 'ECONNABORTED', mayHaveReachedProvider: true });
    } finally {
      await closed(server);
    }
  });

  it('passes a refused connection on as one that never reached Twilio', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await new Promise((resolve) => server.close(resolve));
    const failure = await new TwilioSmsSender({ ...settings, apiBaseUrl: origin }).send({ deliveryId: 'd', to: '+32470000001', body: 'b' }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ reason: 'network_error', transportCode: 'ECONNREFUSED', mayHaveReachedProvider: false });
  });
});
