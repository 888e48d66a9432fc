import { createHmac, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { SendGridEventWebhookVerifier } from '../sendgrid/event-webhook-verifier';
import { SIMULATOR_EVENT_WEBHOOK_PRIVATE_KEY, SIMULATOR_EVENT_WEBHOOK_PUBLIC_KEY } from '@bin-alert/platform';
import twilio from 'twilio';
import { twilioSignature, verifyTwilioWebhook } from '../twilio/twilio-webhook-signature';

/** Twilio's algorithm written out (providers.md §4), independent of the SDK that verifies it. */
function twilioSign(token: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url);
  return createHmac('sha1', token).update(Buffer.from(data, 'utf8')).digest('base64');
}

describe('verifyTwilioWebhook', () => {
  const token = 'sim-auth-token';
  const url = 'http://127.0.0.1:3104/webhooks/twilio/message-status?deliveryId=6f1b2a8e-4c1d-5e2f-9a3b-7c8d9e0f1a2b';
  const params = { MessageSid: `SM${'a'.repeat(32)}`, MessageStatus: 'delivered', To: '+32470123456', From: '+32460200100', ApiVersion: '2010-04-01' };
  const good = twilioSign(token, url, params);

  it('accepts what Twilio signed for exactly this URL and these parameters', () => {
    expect(verifyTwilioWebhook(token, good, url, params)).toEqual({ ok: true });
  });

  it('accepts the URL with the default port written out or left off', () => {
    const withPort = 'https://tracker.example:443/webhooks/twilio/call-status?deliveryId=x';
    expect(verifyTwilioWebhook(token, twilioSign(token, withPort, params), 'https://tracker.example/webhooks/twilio/call-status?deliveryId=x', params)).toEqual({ ok: true });
  });

  it('answers 400 without a signature', () => {
    expect(verifyTwilioWebhook(token, undefined, url, params)).toEqual({ ok: false, status: 400, problem: 'missing_signature' });
    expect(verifyTwilioWebhook(token, '', url, params)).toEqual({ ok: false, status: 400, problem: 'missing_signature' });
  });

  it.each([
    ['another auth token', () => verifyTwilioWebhook('other-token', good, url, params)],
    ['a forged signature', () => verifyTwilioWebhook(token, twilioSign('guess', url, params), url, params)],
    ['a tampered status', () => verifyTwilioWebhook(token, good, url, { ...params, MessageStatus: 'failed' })],
    ['an added parameter', () => verifyTwilioWebhook(token, good, url, { ...params, ErrorCode: '30003' })],
    ['another delivery in the URL', () => verifyTwilioWebhook(token, good, url.replace('6f1b', '0000'), params)],
    ['another host (a proxy not accounted for)', () => verifyTwilioWebhook(token, good, url.replace('127.0.0.1', 'localhost'), params)],
    ['garbage', () => verifyTwilioWebhook(token, 'not base64 at all', url, params)],
  ])('answers 403 for %s', (_, verdict) => {
    expect(verdict()).toEqual({ ok: false, status: 403, problem: 'invalid_signature' });
  });
});

describe('twilioSignature', () => {
  it.each([
    [
      'a status callback',
      'https://tracker.example:8443/webhooks/twilio/message-status?deliveryId=6f1b',
      { MessageSid: 'SM1', MessageStatus: 'delivered', AccountSid: 'AC1', RawDlrDoneDate: '2612071244' },
    ],
    ['no parameters', 'https://tracker.example/x', {}],
    ['repeated parameters, values out of order and repeated', 'https://tracker.example/x?a=1', { b: ['z', 'a', 'z', 'm'], a: 'é ü 🙂', c: '' }],
    ['names that sort by code unit', 'https://tracker.example/x', { b: '1', B: '2', _: '3', a10: '4', a9: '5' }],
  ])('is the SDK signature for %s, with every token', (_, url, params) => {
    for (const token of ['0123456789abcdef0123456789abcdef', 'another token', 'ünïcode token', 'x'.repeat(100)]) {
      expect(twilioSignature(token, url, params)).toBe(twilio.getExpectedTwilioSignature(token, url, params));
      // The key made at the first call gives the same signature at the next.
      expect(twilioSignature(token, url, params)).toBe(twilio.getExpectedTwilioSignature(token, url, params));
    }
  });
});

describe('SendGridEventWebhookVerifier', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const publicKeyBase64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const now = 1_764_400_000_000;
  const verifier = new SendGridEventWebhookVerifier(publicKeyBase64, 600, () => now);
  const body = '[{"email":"a@example.be","timestamp":1764399990,"event":"delivered","sg_event_id":"e1","delivery_id":"d-1"},\r\n{"event":"open"}]\r\n';
  const ts = String(now / 1000 - 5);
  const signed = (payload: string, timestamp: string, key = privateKey) => sign('sha256', Buffer.from(timestamp + payload, 'utf8'), key).toString('base64');

  it('accepts the raw body as signed, as a Buffer or a string', () => {
    const signature = signed(body, ts);
    expect(verifier.verify(Buffer.from(body), signature, ts)).toEqual({ ok: true });
    expect(verifier.verify(body, signature, ts)).toEqual({ ok: true });
  });

  it('refuses a re-serialised body: only the raw bytes verify', () => {
    const signature = signed(body, ts);
    expect(verifier.verify(JSON.stringify(JSON.parse(body)), signature, ts)).toMatchObject({ ok: false, status: 403, problem: 'invalid_signature' });
  });

  it.each([
    ['a tampered body', () => verifier.verify(body.replace('delivered', 'bounce'), signed(body, ts), ts)],
    ['a signature from another key', () => verifier.verify(body, signed(body, ts, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey), ts)],
    ['a timestamp changed after signing', () => verifier.verify(body, signed(body, ts), String(Number(ts) + 1))],
    ['a signature that is not DER', () => verifier.verify(body, Buffer.from('nonsense').toString('base64'), ts)],
    ['a signature that is not base64', () => verifier.verify(body, '%%%', ts)],
  ])('answers 403 for %s', (_, verdict) => {
    expect(verdict()).toEqual({ ok: false, status: 403, problem: 'invalid_signature' });
  });

  it.each([
    ['older than the tolerance', String(now / 1000 - 601)],
    ['too far in the future', String(now / 1000 + 601)],
    ['not a number', 'yesterday'],
  ])('answers 403 for a correctly signed but stale timestamp: %s', (_, timestamp) => {
    expect(verifier.verify(body, signed(body, timestamp), timestamp)).toEqual({ ok: false, status: 403, problem: 'stale_timestamp' });
  });

  it('accepts a timestamp just inside the tolerance', () => {
    const timestamp = String(now / 1000 - 599);
    expect(verifier.verify(body, signed(body, timestamp), timestamp)).toEqual({ ok: true });
  });

  it('answers 400 without the signature or the timestamp header', () => {
    expect(verifier.verify(body, undefined, ts)).toEqual({ ok: false, status: 400, problem: 'missing_signature' });
    expect(verifier.verify(body, signed(body, ts), undefined)).toEqual({ ok: false, status: 400, problem: 'missing_timestamp' });
  });

  it('verifies what the simulator signs with its fixed development key pair', () => {
    const simVerifier = new SendGridEventWebhookVerifier(SIMULATOR_EVENT_WEBHOOK_PUBLIC_KEY, 600, () => now);
    expect(simVerifier.verify(body, signed(body, ts, createPrivateKey(SIMULATOR_EVENT_WEBHOOK_PRIVATE_KEY)), ts)).toEqual({ ok: true });
  });

  it('refuses to start with a key that is not one', () => {
    expect(() => new SendGridEventWebhookVerifier('not-a-key', 600)).toThrow(/not a base64 DER EC public key/);
  });

  it('refuses to start with an EC key on another curve than P-256, or a key of another kind', () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    expect(() => new SendGridEventWebhookVerifier(p384, 600)).toThrow(/on P-256/);
    expect(() => new SendGridEventWebhookVerifier(rsa, 600)).toThrow(/on P-256/);
  });

  it('verifies the bytes as received, not their UTF-8 decoding (SendGrid signs bytes)', () => {
    // A byte that is not UTF-8: the SDK's decoding turned it into U+FFFD before hashing, so a
    // body SendGrid signed did not verify, and another body decoding alike would have.
    const bytes = Buffer.concat([Buffer.from('[{"event":"delivered","note":"'), Buffer.from([0xe9]), Buffer.from('"}]\r\n')]);
    const signature = sign('sha256', Buffer.concat([Buffer.from(ts), bytes]), privateKey).toString('base64');
    expect(verifier.verify(bytes, signature, ts)).toEqual({ ok: true });
    const lookalike = Buffer.from(bytes.toString('utf8'), 'utf8');
    expect(verifier.verify(lookalike, signature, ts)).toEqual({ ok: false, status: 403, problem: 'invalid_signature' });
  });
});
