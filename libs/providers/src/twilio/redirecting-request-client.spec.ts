import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ROOT_CONTEXT, TraceFlags, context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { RedirectingRequestClient } from './redirecting-request-client';
import { ProviderError } from '../provider-error';
import { createTwilioClient } from './twilio-client.factory';
import { TwilioHttpClient } from './twilio-http-client';
import { TwilioSmsSender } from './twilio-sms.sender';

describe('RedirectingRequestClient', () => {
  const client = new RedirectingRequestClient('http://127.0.0.1:4010/', new TwilioHttpClient());

  it.each([
    'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json',
    'https://api.ie1.twilio.com/2010-04-01/Accounts/AC1/Messages.json',
    'https://api.dublin.ie1.twilio.com/2010-04-01/Accounts/AC1/Messages.json',
    'https://api.twilio.com:443/2010-04-01/Accounts/AC1/Messages.json',
  ])('sends %s to the simulator origin', (uri) => {
    expect(client.redirect(uri)).toBe('http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages.json');
  });

  it('leaves hosts that merely contain "twilio.com" alone', () => {
    expect(client.redirect('https://api.twilio.com.evil.example/x')).toBe('https://api.twilio.com.evil.example/x');
  });

  it('sends the active trace context to the simulator with the SDK’s own headers (ADR 0020)', async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const sent: Array<{ uri: string; headers?: Record<string, string> }> = [];
    const traced = new RedirectingRequestClient('http://127.0.0.1:4010', {
      request: async (opts) => {
        sent.push(opts as { uri: string; headers?: Record<string, string> });
        return { statusCode: 200, body: '{}', headers: {} } as never;
      },
    });
    const active = trace.setSpanContext(ROOT_CONTEXT, { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED });
    await context.with(active, () =>
      traced.request({ method: 'post', uri: 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json', headers: { 'User-Agent': 'twilio-node' } }),
    );
    propagation.disable();
    context.disable();
    expect(sent).toEqual([
      {
        method: 'post',
        uri: 'http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages.json',
        headers: { 'User-Agent': 'twilio-node', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
      },
    ]);
  });
});

describe('createTwilioClient', () => {
  const settings = { accountSid: `AC${'0'.repeat(32)}`, authToken: 't', fromNumber: '+32460200100' };

  it('calls the real Twilio over TwilioHttpClient, not the SDK’s axios client (ADR 0051)', () => {
    expect(createTwilioClient({ ...settings, apiBaseUrl: null }).httpClient).toBeInstanceOf(TwilioHttpClient);
  });

  it('routes through the redirecting client when an apiBaseUrl is set', () => {
    expect(createTwilioClient({ ...settings, apiBaseUrl: 'http://127.0.0.1:4010' }).httpClient).toBeInstanceOf(RedirectingRequestClient);
  });

  it('gives up a request after requestTimeoutMs, as a failure that may have reached Twilio (chaos finding 1)', async () => {
    // A server that reads the request and never answers: Twilio on a saturated machine.
    const server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const sender = new TwilioSmsSender({ ...settings, apiBaseUrl: `http://127.0.0.1:${port}`, requestTimeoutMs: 300 });
      const started = Date.now();
      const failure = await sender.send({ deliveryId: 'd', to: '+32470000001', body: 'b' }).catch((error: unknown) => error);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(failure).toBeInstanceOf(ProviderError);
      expect(failure).toMatchObject({ reason: 'network_error', mayHaveReachedProvider: true });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
