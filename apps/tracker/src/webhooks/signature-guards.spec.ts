import { ExecutionContext } from '@nestjs/common';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { DEFAULT_TWILIO_VOICES } from '@bin-alert/platform';
import { SendGridEventWebhookVerifier } from '@bin-alert/providers';
import type { TrackerSettings } from '../tracker-settings';
import type { WebhookStats } from '@bin-alert/tracking';
import { SendGridSignatureGuard, TwilioSignatureGuard, publicUrlOf } from './signature-guards';

/** Answered 403 by the HTTP filter (ADR 0037). */
const REFUSED = { code: 'callback.signature_refused', kind: 'forbidden' };

const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const settings: TrackerSettings = {
  publicUrl: 'https://bin.example/tracker',
  twilioAuthToken: 'token',
  twilioAuthTokensBySid: new Map([
    ['AC1', 'token'],
    ['AC2', 'second-token'],
  ]),
  sendGridVerifier: new SendGridEventWebhookVerifier(keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), 600),
  dedupeTtlSeconds: 60,
  claimTtlSeconds: 60,
  ingestBatch: { maxItems: 500, maxWaitMs: 2 },
  zoneDefaultLanguage: 'nl',
  voices: DEFAULT_TWILIO_VOICES,
};
const counted: Array<Record<string, number>> = [];
const stats = { add: async (c: Record<string, number>) => void counted.push(c) } as unknown as WebhookStats;

function context(request: object): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => ({ path: '/p', ...request }) }) } as unknown as ExecutionContext;
}

function twilioSign(url: string, params: Record<string, string>, token = 'token'): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, k) => acc + k + params[k], url);
  return createHmac('sha1', token).update(data).digest('base64');
}

describe('TwilioSignatureGuard', () => {
  const guard = new TwilioSignatureGuard(settings, stats);
  const originalUrl = '/webhooks/twilio/message-status?deliveryId=d-1';
  const body = { MessageSid: 'SM1', MessageStatus: 'delivered' };

  it('lets through what was signed for the public URL (origin and prefix) plus the original path and query', async () => {
    const signature = twilioSign(`https://bin.example/tracker${originalUrl}`, body);
    await expect(guard.canActivate(context({ originalUrl, body, headers: { 'x-twilio-signature': signature } }))).resolves.toBe(true);
  });

  it('refuses what was signed for the URL the server sees behind the proxy', async () => {
    const signature = twilioSign(`http://127.0.0.1:3104${originalUrl}`, body);
    await expect(guard.canActivate(context({ originalUrl, body, headers: { 'x-twilio-signature': signature } }))).rejects.toMatchObject(REFUSED);
  });

  it('checks a webhook of the second SMS route’s account with that account’s token, not the first’s', async () => {
    const second = { ...body, AccountSid: 'AC2' };
    const url = `https://bin.example/tracker${originalUrl}`;
    await expect(guard.canActivate(context({ originalUrl, body: second, headers: { 'x-twilio-signature': twilioSign(url, second, 'second-token') } }))).resolves.toBe(true);
    await expect(guard.canActivate(context({ originalUrl, body: second, headers: { 'x-twilio-signature': twilioSign(url, second) } }))).rejects.toMatchObject(REFUSED);
    const first = { ...body, AccountSid: 'AC1' };
    await expect(guard.canActivate(context({ originalUrl, body: first, headers: { 'x-twilio-signature': twilioSign(url, first, 'second-token') } }))).rejects.toMatchObject(
      REFUSED,
    );
  });

  it('answers 400 without a signature and counts the refusal', async () => {
    await expect(guard.canActivate(context({ originalUrl, body, headers: {} }))).rejects.toMatchObject({ code: 'callback.signature_missing', kind: 'invalid' });
    expect(counted).toContainEqual({ refused_missing_signature: 1 });
  });
});

describe('SendGridSignatureGuard', () => {
  const guard = new SendGridSignatureGuard(settings, stats);
  const raw = '[{"event":"delivered","delivery_id":"d-1"}]\r\n';
  const ts = () => String(Math.floor(Date.now() / 1000));
  const headers = (t: string, payload = raw) => ({
    'x-twilio-email-event-webhook-signature': sign('sha256', Buffer.from(t + payload), keys.privateKey).toString('base64'),
    'x-twilio-email-event-webhook-timestamp': t,
  });

  it('verifies the raw body', async () => {
    await expect(guard.canActivate(context({ rawBody: Buffer.from(raw), headers: headers(ts()) }))).resolves.toBe(true);
  });

  it.each([
    ['a tampered body', () => ({ rawBody: Buffer.from(raw.replace('delivered', 'bounce')), headers: headers(ts()) }), REFUSED],
    ['a stale timestamp', () => ({ rawBody: Buffer.from(raw), headers: headers(String(Number(ts()) - 3600)) }), { code: 'callback.timestamp_stale', kind: 'forbidden' }],
    ['no raw body (not JSON)', () => ({ headers: headers(ts()) }), REFUSED],
    ['no signature headers', () => ({ rawBody: Buffer.from(raw), headers: {} }), { code: 'callback.signature_missing', kind: 'invalid' }],
  ])('refuses %s', async (_, request, refusal) => {
    await expect(guard.canActivate(context(request()))).rejects.toMatchObject(refusal);
  });
});

describe('publicUrlOf', () => {
  const DELIVERY_ID = '6f1b2a8e-4c1d-5e2f-9a3b-7c8d9e0f1a2b';
  it('is the configured public origin and prefix plus the path and query as received', () => {
    expect(publicUrlOf('https://bin.example/tracker/', `/webhooks/twilio/call-status?deliveryId=${DELIVERY_ID}`)).toBe(
      `https://bin.example/tracker/webhooks/twilio/call-status?deliveryId=${DELIVERY_ID}`,
    );
  });
});
