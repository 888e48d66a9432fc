import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { IncomingMessage, Server, createServer } from 'node:http';
import { Server as HttpsServer, createServer as createHttpsServer } from 'node:https';
import { AddressInfo, Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TwilioHttpClient } from './twilio-http-client';
import { TwilioSmsSender } from './twilio-sms.sender';

/**
 * The environment the SDK's own client read (twilio/lib/base/RequestClient.js), read again by
 * TwilioHttpClient (ADR 0051): TWILIO_CA_BUNDLE, a file of trusted certificate authorities, and
 * HTTP_PROXY, through which https requests go as CONNECT tunnels. A deployment behind a proxy, or
 * with its own CA, must reach Twilio as it did with the SDK's client.
 */
describe('TwilioHttpClient behind a proxy and with a CA bundle (as the SDK’s client)', () => {
  let dir: string;
  let caBundle: string;
  let twilioApi: { server: HttpsServer; origin: string; seen: Array<{ url: string; socket: unknown }> };
  let proxy: { server: Server; url: string; connects: Array<{ target: string; authorization: string | undefined }>; refuse: boolean; tunnels: Socket[] };

  beforeAll(async () => {
    // A certificate no system store trusts: only the bundle can make it acceptable.
    dir = mkdtempSync(join(tmpdir(), 'twilio-ca-'));
    caBundle = join(dir, 'ca.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        caBundle,
      ],
      { stdio: 'ignore' },
    );
    const seen: Array<{ url: string; socket: unknown }> = [];
    const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(caBundle) }, (req, res) => {
      seen.push({ url: req.url ?? '', socket: req.socket });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sid: 'SM1', status: 'queued', date_created: 'Sun, 06 Dec 2026 21:00:00 +0000' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    twilioApi = { server, origin: `https://localhost:${(server.address() as AddressInfo).port}`, seen };

    const connects: Array<{ target: string; authorization: string | undefined }> = [];
    const proxyServer = createServer((_req, res) => res.writeHead(405).end());
    proxy = { server: proxyServer, url: '', connects, refuse: false, tunnels: [] };
    proxyServer.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      connects.push({ target: req.url ?? '', authorization: req.headers['proxy-authorization'] });
      proxy.tunnels.push(client);
      if (proxy.refuse) {
        client.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n');
        return;
      }
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host === 'localhost' ? '127.0.0.1' : host, () => {
        proxy.tunnels.push(upstream);
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxyServer.listen(0, '127.0.0.1', resolve));
    proxy.url = `http://127.0.0.1:${(proxyServer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    // A tunnel's sockets left the proxy server when it answered CONNECT: closing it does not end them.
    for (const socket of proxy?.tunnels ?? []) socket.destroy();
    for (const server of [twilioApi?.server, proxy?.server]) {
      if (!server) continue;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    twilioApi.seen.length = 0;
    proxy.connects.length = 0;
    proxy.refuse = false;
  });

  const get = (client: TwilioHttpClient, uri = `${twilioApi.origin}/2010-04-01/Accounts.json`) => client.request({ method: 'get', uri });

  it('trusts the certificate authorities of TWILIO_CA_BUNDLE, and without it refuses a certificate it does not know', async () => {
    await expect(get(new TwilioHttpClient(5_000, { TWILIO_CA_BUNDLE: caBundle }))).resolves.toMatchObject({ statusCode: 200 });
    await expect(get(new TwilioHttpClient(5_000, {}))).rejects.toMatchObject({ code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY/) });
  });

  it('goes through HTTP_PROXY by one CONNECT tunnel, kept alive, with the URL’s credentials as Proxy-Authorization', async () => {
    const client = new TwilioHttpClient(5_000, { HTTP_PROXY: `http://bin:p%40ss@${proxy.url.slice('http://'.length)}`, TWILIO_CA_BUNDLE: caBundle });
    await expect(get(client)).resolves.toMatchObject({ statusCode: 200 });
    await expect(get(client)).resolves.toMatchObject({ statusCode: 200 });
    expect(proxy.connects).toEqual([{ target: `localhost:${new URL(twilioApi.origin).port}`, authorization: `Basic ${Buffer.from('bin:p@ss').toString('base64')}` }]);
    expect(twilioApi.seen).toHaveLength(2);
    expect(twilioApi.seen[1].socket).toBe(twilioApi.seen[0].socket);
  });

  it('fails a request the proxy refuses to tunnel, before it reaches Twilio', async () => {
    proxy.refuse = true;
    await expect(get(new TwilioHttpClient(5_000, { HTTP_PROXY: proxy.url, TWILIO_CA_BUNDLE: caBundle }))).rejects.toThrow(/refused CONNECT .*407/);
    expect(twilioApi.seen).toEqual([]);
  });

  it('sends plain-http requests (the simulator) direct, as the SDK’s client does', async () => {
    const plain = createServer((_req, res) => res.writeHead(200).end('{}'));
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const client = new TwilioHttpClient(5_000, { HTTP_PROXY: proxy.url });
      await expect(get(client, `http://127.0.0.1:${(plain.address() as AddressInfo).port}/x`)).resolves.toMatchObject({ statusCode: 200 });
      expect(proxy.connects).toEqual([]);
    } finally {
      plain.closeAllConnections();
      await new Promise((resolve) => plain.close(resolve));
    }
  });

  it('reads both from the process environment, as the SDK’s client did: a sender behind a proxy reaches Twilio', async () => {
    const before = { HTTP_PROXY: process.env.HTTP_PROXY, TWILIO_CA_BUNDLE: process.env.TWILIO_CA_BUNDLE };
    process.env.HTTP_PROXY = proxy.url;
    process.env.TWILIO_CA_BUNDLE = caBundle;
    try {
      const sender = new TwilioSmsSender({ accountSid: `AC${'0'.repeat(32)}`, authToken: 'secret', fromNumber: '+32460200100', apiBaseUrl: twilioApi.origin });
      await expect(sender.send({ deliveryId: 'd', to: '+32470000001', body: 'b' })).resolves.toEqual({ providerId: 'SM1' });
      expect(proxy.connects).toHaveLength(1);
    } finally {
      for (const [key, value] of Object.entries(before)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
