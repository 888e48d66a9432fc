import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import Redis from 'ioredis';
import { createHmac, createPrivateKey, generateKeyPairSync, KeyObject, randomUUID, sign } from 'node:crypto';
import { createServer } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { TOPICS } from '@bin-alert/contracts';
import { AlertContent, Channel, Language, TrackedDeliveryStatus, deliveryId, renderVoice } from '@bin-alert/domain';
import { DeliveryRepository, DeliveryTrackingRepository, MemberRepository, SmsOptOutRepository, openDataSource } from '@bin-alert/persistence';
import { withKafkaAdmin } from '@bin-alert/messaging';
import { AppConfig, DEFAULT_TWILIO_VOICES, SIMULATOR_EVENT_WEBHOOK_PRIVATE_KEY } from '@bin-alert/platform';
import {
  SendGridEmailSender,
  TRACKED_CALL_EVENTS,
  TwilioSmsSender,
  TwilioVoiceCaller,
  callStatusCallbackUrl,
  inboundSmsWebhookUrl,
  messageStatusCallbackUrl,
  sendGridEventWebhookUrl,
  voiceGatherActionUrl,
  voiceTwiml,
  providerSettingsFrom,
} from '@bin-alert/providers';
import { RunningProviderSim, startProviderSim } from '../../provider-sim/src/start-provider-sim';
import { aMember } from '../../../test/support/member.builder';
import { testConfig } from '../../../bench/src/support/test-config';
import { waitFor } from '../../../bench/src/support/wait-for';
import { ensureTrackedAlert } from '../../../bench/src/support/accepted-deliveries';
import { liveCountersKey, WEBHOOK_STATS_KEY } from '@bin-alert/tracking';
import { startTracker } from './start-tracker';

/**
 * The tracker in-process against the real PostgreSQL, Redis and Kafka: signed callbacks built here
 * the way Twilio and SendGrid build them, deliveries seeded through the repositories. A callback's
 * status is applied before it is answered (ADR 0041): what the tests read after a 200 is there;
 * with the simulator, its callbacks are waited for (none pending), never slept on.
 */
describe('tracker', () => {
  let config: AppConfig;
  let app: INestApplication;
  let baseUrl: string;
  let db: DataSource;
  let redis: Redis;
  let twilioToken: string;
  let sendGridKey: KeyObject;

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    // SENDGRID_WEBHOOK_PUBLIC_KEY left at its default, the simulator's key: the test signs with
    // the simulator's private key, and so does the simulator below.
    sendGridKey = createPrivateKey(SIMULATOR_EVENT_WEBHOOK_PRIVATE_KEY);
    config = testConfig({ TRACKER_PUBLIC_URL: baseUrl, WEBHOOK_MAX_AGE_SECONDS: '600' });
    twilioToken = providerSettingsFrom(config).twilio.authToken;
    app = await startTracker(config, port);
    db = await openDataSource(config.DATABASE_URL, 8);
    redis = new Redis(config.REDIS_URL);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await db?.destroy();
    redis?.disconnect();
  });

  // ------------------------------------------------------------------ seeding

  interface Seeded {
    alertId: string;
    memberId: string;
    mobile: string;
    delivery: Record<Channel, string>;
  }

  /** An alert with one member reachable on every channel, each delivery accepted by its provider. */
  async function seed(language: Language = 'nl', alertId: string = randomUUID()): Promise<Seeded> {
    await ensureTrackedAlert(db, alertId);
    const mobile = `+32470${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
    const memberId = await aMember()
      .speaking(language)
      .inBins('herdersem')
      .withMobile(mobile)
      .withPhone(mobile)
      .withEmail(`${randomUUID()}@example.be`)
      .save(new MemberRepository(db));
    const contacts: Array<{ id: string; kind: string }> = await db.query(`SELECT id, kind FROM contact_points WHERE member_id = $1`, [memberId]);
    const contactFor = (kind: string) => contacts.find((c) => c.kind === kind)!.id;
    const channels = [
      ['sms', 'mobile'],
      ['voice', 'phone'],
      ['email', 'email'],
    ] as const;
    await new DeliveryRepository(db).recordDecisions(
      alertId,
      channels.map(([channel, kind]) => ({ send: true as const, memberId, channel, contactId: contactFor(kind), language })),
    );
    // What a dispatcher records once the provider took the message.
    await db.query(`UPDATE deliveries SET status = 'accepted', accepted_at = now(), attempts = 1 WHERE alert_id = $1 AND member_id = $2`, [alertId, memberId]);
    const delivery = Object.fromEntries(channels.map(([channel]) => [channel, deliveryId(alertId, memberId, channel)])) as Record<Channel, string>;
    return { alertId, memberId, mobile, delivery };
  }

  const row = async (id: string) =>
    (
      await db.query(`SELECT status, reason, provider_status, provider_error_code, provider_id, delivered_at, acknowledged_at, status_updated_at FROM deliveries WHERE id = $1`, [
        id,
      ])
    )[0];
  const counters = async (alertId: string, channel: Channel) => {
    const raw = await redis.hgetall(liveCountersKey(alertId, channel));
    return Object.fromEntries(
      Object.entries(raw)
        .filter(([, v]) => v !== '0')
        .map(([k, v]) => [k, Number(v)]),
    );
  };
  const stats = async () => Object.fromEntries(Object.entries(await redis.hgetall(WEBHOOK_STATS_KEY)).map(([k, v]) => [k, Number(v)])) as Record<string, number>;
  /** Records on bin.delivery-events.v1 so far, all partitions. */
  const eventsOnTopic = () => withKafkaAdmin(config.KAFKA_BROKERS, async (admin) => (await admin.fetchTopicOffsets(TOPICS.deliveryEvents)).reduce((n, p) => n + Number(p.high), 0));

  // ------------------------------------------------------------------ providers, as they sign

  function twilioSignature(url: string, params: Record<string, string>): string {
    const data = Object.keys(params)
      .sort()
      .reduce((acc, name) => acc + name + params[name], url);
    return createHmac('sha1', twilioToken).update(Buffer.from(data, 'utf8')).digest('base64');
  }

  async function twilioPost(
    pathAndQuery: string,
    params: Record<string, string>,
    signature: string | null = twilioSignature(`${config.TRACKER_PUBLIC_URL}${pathAndQuery}`, params),
  ) {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'TwilioProxy/1.1' };
    if (signature !== null) headers['x-twilio-signature'] = signature;
    const res = await fetch(`${baseUrl}${pathAndQuery}`, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
    return { status: res.status, contentType: res.headers.get('content-type'), body: await res.text() };
  }

  const sid = (prefix: 'SM' | 'CA') => prefix + randomUUID().replace(/-/g, '');
  const smsStatus = (delivery: string, messageSid: string, status: string, extra: Record<string, string> = {}) =>
    twilioPost(`/webhooks/twilio/message-status?deliveryId=${delivery}`, {
      AccountSid: 'AC00000000000000000000000000000000',
      ApiVersion: '2010-04-01',
      From: '+32460200100',
      To: '+32470000000',
      MessageSid: messageSid,
      SmsSid: messageSid,
      MessageStatus: status,
      SmsStatus: status,
      ...extra,
    });
  const callStatus = (delivery: string, callSid: string, status: string, extra: Record<string, string> = {}) =>
    twilioPost(`/webhooks/twilio/call-status?deliveryId=${delivery}`, {
      AccountSid: 'AC00000000000000000000000000000000',
      ApiVersion: '2010-04-01',
      CallSid: callSid,
      CallStatus: status,
      Direction: 'outbound-api',
      From: '+32460200100',
      To: '+32470000000',
      Timestamp: new Date().toUTCString(),
      ...extra,
    });

  function sendGridPost(body: string, options: { timestamp?: string; signedBody?: string; key?: KeyObject; headers?: boolean } = {}) {
    const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
    const signature = sign('sha256', Buffer.from(timestamp + (options.signedBody ?? body), 'utf8'), options.key ?? sendGridKey).toString('base64');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.headers !== false) {
      headers['x-twilio-email-event-webhook-signature'] = signature;
      headers['x-twilio-email-event-webhook-timestamp'] = timestamp;
    }
    return fetch(`${baseUrl}/webhooks/sendgrid/events`, { method: 'POST', headers, body }).then(async (res) => ({ status: res.status, body: await res.text() }));
  }
  /** As SendGrid writes it: one event per line, CRLF separated. */
  const sendGridBody = (events: object[]) => `[${events.map((e) => JSON.stringify(e)).join(',\r\n')}]\r\n`;
  const sgEvent = (delivery: string, event: string, extra: object = {}) => ({
    email: 'member@example.be',
    timestamp: Math.floor(Date.now() / 1000),
    event,
    sg_event_id: randomUUID(),
    sg_message_id: 'LRzXl_NHStOGhQ4kofSm_A.filter0001.16648.5515E0B88.0',
    'smtp-id': '<LRzXl_NHStOGhQ4kofSm_A@ismtpd-sim>',
    category: ['bin-alert', 'normal'],
    delivery_id: delivery,
    ...extra,
  });

  // ------------------------------------------------------------------ SMS

  it('keeps an SMS delivered when its late "sent" arrives after "delivered"', async () => {
    const s = await seed();
    const messageSid = sid('SM');

    const delivered = await smsStatus(s.delivery.sms, messageSid, 'delivered', { RawDlrDoneDate: '2611291437' });
    const sent = await smsStatus(s.delivery.sms, messageSid, 'sent');

    expect(delivered).toEqual({ status: 200, contentType: null, body: '' });
    expect(sent.status).toBe(200);
    expect(await row(s.delivery.sms)).toMatchObject({
      status: 'delivered',
      provider_status: 'delivered',
      delivered_at: new Date('2026-11-29T14:37:00Z'),
      provider_id: messageSid, // the dispatcher recorded none here: taken from the callback
    });
    expect(await counters(s.alertId, 'sms')).toEqual({ delivered: 1 });
  });

  it('answers a callback once its status is committed and its event is on bin.delivery-events.v1, and publishes a resend again without applying it twice', async () => {
    const s = await seed();
    const messageSid = sid('SM');
    const before = await eventsOnTopic();

    expect((await smsStatus(s.delivery.sms, messageSid, 'delivered')).status).toBe(200);
    // Read at once: nothing is left to a consumer.
    expect(await row(s.delivery.sms)).toMatchObject({ status: 'delivered', provider_id: messageSid });
    expect(await counters(s.alertId, 'sms')).toEqual({ delivered: 1 });
    expect((await eventsOnTopic()) - before).toBe(1);

    // The provider resends after its dedupe mark is gone (a crash before the mark was confirmed):
    // applied again, it changes and counts nothing, and the log carries the event again.
    await redis.del(`bin:tracker:seen:twilio:message:${messageSid}:delivered`);
    expect((await smsStatus(s.delivery.sms, messageSid, 'delivered')).status).toBe(200);
    expect(await row(s.delivery.sms)).toMatchObject({ status: 'delivered' });
    expect(await counters(s.alertId, 'sms')).toEqual({ delivered: 1 });
    expect((await eventsOnTopic()) - before).toBe(2);
  });

  it('counts a callback Twilio sends twice once', async () => {
    const s = await seed();
    const messageSid = sid('SM');
    const before = await stats();

    await smsStatus(s.delivery.sms, messageSid, 'sent');
    await smsStatus(s.delivery.sms, messageSid, 'delivered');
    const again = await smsStatus(s.delivery.sms, messageSid, 'delivered');

    expect(again.status).toBe(200);
    expect(await row(s.delivery.sms)).toMatchObject({ status: 'delivered' });
    expect(await counters(s.alertId, 'sms')).toEqual({ delivered: 1 });
    const after = await stats();
    expect((after.duplicate ?? 0) - (before.duplicate ?? 0)).toBe(1);
    expect((after.published ?? 0) - (before.published ?? 0)).toBe(2);
  });

  it('records why an SMS was not delivered', async () => {
    const s = await seed();
    const messageSid = sid('SM');
    await smsStatus(s.delivery.sms, messageSid, 'sent');
    await smsStatus(s.delivery.sms, messageSid, 'undelivered', { ErrorCode: '30003' });
    expect(await row(s.delivery.sms)).toMatchObject({ status: 'undelivered', reason: 'unreachable_handset', provider_error_code: '30003', delivered_at: null });
    expect(await counters(s.alertId, 'sms')).toEqual({ undelivered: 1 });
  });

  it('refuses a forged or unsigned Twilio callback and changes nothing', async () => {
    const s = await seed();
    const messageSid = sid('SM');
    const before = await stats();
    const params = { MessageSid: messageSid, MessageStatus: 'failed', ErrorCode: '30007' };

    const forged = await twilioPost(`/webhooks/twilio/message-status?deliveryId=${s.delivery.sms}`, params, createHmac('sha1', 'guessed-token').update('x').digest('base64'));
    // Signed for another delivery, replayed against this one.
    const other = await twilioPost(
      `/webhooks/twilio/message-status?deliveryId=${s.delivery.sms}`,
      params,
      twilioSignature(`${config.TRACKER_PUBLIC_URL}/webhooks/twilio/message-status?deliveryId=${s.delivery.voice}`, params),
    );
    const unsigned = await twilioPost(`/webhooks/twilio/message-status?deliveryId=${s.delivery.sms}`, params, null);

    expect(forged.status).toBe(403);
    expect(JSON.parse(forged.body)).toMatchObject({
      statusCode: 403,
      code: 'callback.signature_refused',
      message: 'The webhook signature is not valid.',
      correlationId: expect.any(String),
    });
    expect(other.status).toBe(403);
    expect(unsigned.status).toBe(400);
    expect(JSON.parse(unsigned.body)).toMatchObject({
      statusCode: 400,
      code: 'callback.signature_missing',
      message: 'The webhook signature header is missing.',
      correlationId: expect.any(String),
    });
    expect(await row(s.delivery.sms)).toMatchObject({ status: 'accepted', provider_status: null });
    const after = await stats();
    expect(after.published ?? 0).toBe(before.published ?? 0);
    expect((after.refused_invalid_signature ?? 0) - (before.refused_invalid_signature ?? 0)).toBe(2);
    expect((after.refused_missing_signature ?? 0) - (before.refused_missing_signature ?? 0)).toBe(1);
  });

  it('answers 200 for a delivery it does not know, and counts it', async () => {
    const before = await stats();
    const res = await smsStatus(randomUUID(), sid('SM'), 'delivered');
    const notAnId = await smsStatus('not-a-delivery', sid('SM'), 'delivered');
    expect([res.status, notAnId.status]).toEqual([200, 200]);
    expect((await stats()).unknown_delivery - (before.unknown_delivery ?? 0)).toBe(2);
  });

  it('serves status callbacks ahead of the Nest pipeline with everything it gave them: request context, body refusals, validation, error shape', async () => {
    const s = await seed();
    const path = `/webhooks/twilio/message-status?deliveryId=${s.delivery.sms}`;
    const params = { MessageSid: sid('SM'), MessageStatus: 'sent' };
    const correlationId = randomUUID();
    const answered = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(`${config.TRACKER_PUBLIC_URL}${path}`, params),
        'x-correlation-id': correlationId,
      },
      body: new URLSearchParams(params).toString(),
    });
    expect([answered.status, answered.headers.get('x-correlation-id'), await answered.text()]).toEqual([200, correlationId, '']);
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/bin_http_request_duration_seconds_count\{[^}]*route="\/webhooks\/twilio\/message-status"[^}]*status_code="200"/);

    const tooLarge = await twilioPost(path, { ...params, Padding: 'x'.repeat(300 * 1024) });
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.body)).toMatchObject({ statusCode: 413, errors: [{ field: 'body', reason: 'larger than 256kb' }] });
    const malformedEncoding = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
      body: 'not gzip',
    });
    expect(malformedEncoding.status).toBe(400);
    // Signed, but without the status: the signature is checked first, then the form.
    const incomplete = { MessageSid: sid('SM') };
    const invalid = await twilioPost(path, incomplete);
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body)).toMatchObject({ statusCode: 400, errors: [expect.objectContaining({ field: 'MessageStatus' })], correlationId: expect.any(String) });
    expect(await row(s.delivery.sms)).toMatchObject({ status: 'sent' });
  });

  it('serves the status routes on bare node:http as Express did: other methods, encodings, types, queries and limits', async () => {
    const s = await seed();
    const path = `/webhooks/twilio/message-status?deliveryId=${s.delivery.sms}`;
    const signedHeaders = (pathAndQuery: string, params: Record<string, string>) => ({
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(`${config.TRACKER_PUBLIC_URL}${pathAndQuery}`, params),
    });
    // Another method on the path is Express's and Nest's: an unknown route.
    const get = await fetch(`${baseUrl}${path}`);
    expect([get.status, (await get.json()).code]).toEqual([404, 'http.not_found']);
    // A compressed form is read by the app's parser, as before.
    const sent = { MessageSid: sid('SM'), MessageStatus: 'sent' };
    const gzipped = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { ...signedHeaders(path, sent), 'content-encoding': 'gzip' },
      body: gzipSync(new URLSearchParams(sent).toString()),
    });
    expect(gzipped.status).toBe(200);
    // Not a form: no parameters, so the signature over the posted ones does not verify.
    const delivered = { MessageSid: sent.MessageSid, MessageStatus: 'delivered' };
    const notAForm = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { ...signedHeaders(path, delivered), 'content-type': 'text/plain' },
      body: new URLSearchParams(delivered).toString(),
    });
    expect([notAForm.status, (await notAForm.json()).code]).toEqual([403, 'callback.signature_refused']);
    // Two deliveryIds name no delivery: answered, counted as unknown.
    const before = await stats();
    const twice = `${path}&deliveryId=${s.delivery.voice}`;
    const doubled = await fetch(`${baseUrl}${twice}`, { method: 'POST', headers: signedHeaders(twice, delivered), body: new URLSearchParams(delivered).toString() });
    expect(doubled.status).toBe(200);
    expect((await stats()).unknown_delivery - (before.unknown_delivery ?? 0)).toBe(1);
    // More fields than the app's parser reads.
    const crowded = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`F${i}`, 'x']));
    const tooMany = await fetch(`${baseUrl}${path}`, { method: 'POST', headers: signedHeaders(path, crowded), body: new URLSearchParams(crowded).toString() });
    expect([tooMany.status, (await tooMany.json()).errors]).toEqual([413, [{ field: 'body', code: 'too_big', reason: 'a form with too many fields' }]]);
    // A trailing slash matched Express's route, and still does (signed as called).
    const slashed = `/webhooks/twilio/message-status/?deliveryId=${s.delivery.sms}`;
    const withSlash = await fetch(`${baseUrl}${slashed}`, { method: 'POST', headers: signedHeaders(slashed, delivered), body: new URLSearchParams(delivered).toString() });
    expect(withSlash.status).toBe(200);
    expect(await row(s.delivery.sms)).toMatchObject({ status: 'delivered' });
  });

  // ------------------------------------------------------------------ voice

  it('records a call nobody answered', async () => {
    const s = await seed();
    const callSid = sid('CA');
    for (const status of ['initiated', 'ringing', 'no-answer']) expect((await callStatus(s.delivery.voice, callSid, status)).status).toBe(200);
    expect(await row(s.delivery.voice)).toMatchObject({ status: 'no_answer', reason: 'no_answer', provider_status: 'no-answer' });
    expect(await counters(s.alertId, 'voice')).toEqual({ no_answer: 1 });
  });

  it('records the member pressing 1 as an acknowledgement and thanks them in their language', async () => {
    const s = await seed('fr');
    const callSid = sid('CA');
    await callStatus(s.delivery.voice, callSid, 'initiated');
    await callStatus(s.delivery.voice, callSid, 'in-progress', { AnsweredBy: 'human' });

    const gather = await twilioPost(`/webhooks/twilio/voice-gather?deliveryId=${s.delivery.voice}`, {
      AccountSid: 'AC00000000000000000000000000000000',
      CallSid: callSid,
      CallStatus: 'in-progress',
      Digits: '1',
      FinishedOnKey: '',
      msg: 'Gather End',
    });
    await callStatus(s.delivery.voice, callSid, 'completed', { AnsweredBy: 'human', CallDuration: '42' });

    expect(gather.status).toBe(200);
    expect(gather.contentType).toMatch(/^text\/xml/);
    expect(gather.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="Polly.Isabelle-Neural" language="fr-BE">Merci. Votre confirmation est enregistrée.</Say><Hangup/></Response>',
    );
    const call = await row(s.delivery.voice);
    expect(call).toMatchObject({ status: 'delivered', provider_status: 'completed', acknowledged_at: expect.any(Date), delivered_at: expect.any(Date) });
    expect(await counters(s.alertId, 'voice')).toEqual({ delivered: 1, acknowledged: 1 });
  });

  it('answers a Gather for an unknown delivery with empty TwiML', async () => {
    const res = await twilioPost(`/webhooks/twilio/voice-gather?deliveryId=${randomUUID()}`, { CallSid: sid('CA'), Digits: '1' });
    expect(res).toMatchObject({ status: 200, body: '<?xml version="1.0" encoding="UTF-8"?><Response/>' });
  });

  // ------------------------------------------------------------------ e-mail

  it('applies a SendGrid batch to several deliveries, verified on the raw body', async () => {
    const alertId = randomUUID();
    const [a, b, c] = [await seed('nl', alertId), await seed('nl', alertId), await seed('nl', alertId)];
    const before = await stats();
    const body = sendGridBody([
      sgEvent(a.delivery.email, 'processed'),
      sgEvent(b.delivery.email, 'processed'),
      sgEvent(c.delivery.email, 'processed'),
      sgEvent(a.delivery.email, 'delivered', { response: '250 OK', tls: 1 }),
      sgEvent(b.delivery.email, 'bounce', { type: 'bounce', status: '5.1.1', reason: '550 5.1.1 unknown user', bounce_classification: 'Invalid Address' }),
      sgEvent(c.delivery.email, 'deferred', { response: '421 try later', attempt: '1' }),
      sgEvent(a.delivery.email, 'open', { useragent: 'Mozilla' }),
      sgEvent(a.delivery.email, 'spamreport'),
      sgEvent(randomUUID(), 'delivered'),
      { email: 'someone@example.be', timestamp: Math.floor(Date.now() / 1000), event: 'delivered', sg_event_id: randomUUID() },
    ]);

    const res = await sendGridPost(body);

    expect(res).toEqual({ status: 200, body: '' });
    expect(await row(a.delivery.email)).toMatchObject({ status: 'delivered', provider_status: 'delivered', provider_id: 'LRzXl_NHStOGhQ4kofSm_A' });
    expect(await row(b.delivery.email)).toMatchObject({ status: 'bounced', reason: 'invalid_address' });
    expect(await row(c.delivery.email)).toMatchObject({ status: 'deferred' });
    expect(await counters(alertId, 'email')).toEqual({ delivered: 1, bounced: 1, deferred: 1 });
    const after = await stats();
    expect(after.published - (before.published ?? 0)).toBe(7);
    expect(after.ignored - (before.ignored ?? 0)).toBe(1);
    expect(after.unknown_delivery - (before.unknown_delivery ?? 0)).toBe(2);

    // SendGrid retries the whole batch: nothing is counted twice.
    expect((await sendGridPost(body)).status).toBe(200);
    expect(await counters(alertId, 'email')).toEqual({ delivered: 1, bounced: 1, deferred: 1 });
    expect((await stats()).duplicate - (after.duplicate ?? 0)).toBe(7);

    // A deferred e-mail may still be delivered.
    expect((await sendGridPost(sendGridBody([sgEvent(c.delivery.email, 'delivered')]))).status).toBe(200);
    expect(await row(c.delivery.email)).toMatchObject({ status: 'delivered' });
    expect(await counters(alertId, 'email')).toEqual({ delivered: 2, bounced: 1 });
  });

  it('refuses a tampered, re-serialised, foreign-signed, stale or unsigned SendGrid batch, and changes nothing', async () => {
    const s = await seed();
    const before = await stats();
    const body = sendGridBody([sgEvent(s.delivery.email, 'delivered')]);
    const stale = String(Math.floor(Date.now() / 1000) - 601);

    const tampered = await sendGridPost(body.replace('"delivered"', '"bounce"'), { signedBody: body });
    const reserialised = await sendGridPost(JSON.stringify(JSON.parse(body)), { signedBody: body });
    const foreign = await sendGridPost(body, { key: generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey });
    const old = await sendGridPost(body, { timestamp: stale });
    const unsigned = await sendGridPost(body, { headers: false });

    expect([tampered.status, reserialised.status, foreign.status, old.status, unsigned.status]).toEqual([403, 403, 403, 403, 400]);
    expect(JSON.parse(old.body)).toMatchObject({ statusCode: 403, code: 'callback.timestamp_stale', message: 'The webhook timestamp is too old or in the future.' });
    expect(await row(s.delivery.email)).toMatchObject({ status: 'accepted', provider_status: null });
    const after = await stats();
    expect(after.published ?? 0).toBe(before.published ?? 0);
    expect(after.refused_stale_timestamp - (before.refused_stale_timestamp ?? 0)).toBe(1);
  });

  it('answers 400 to a signed body that is not an array of events', async () => {
    const res = await sendGridPost('{"event":"delivered"}');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ statusCode: 400, errors: [{ field: 'body', reason: expect.any(String) }] });
  });

  // ------------------------------------------------------------------ batches

  it('answers a storm of concurrent callbacks, repeats and stale ones included, each once durable, with one event per callback and monotonic statuses', async () => {
    const first = await seed();
    const seeded = [first, ...(await Promise.all(Array.from({ length: 11 }, () => seed('nl', first.alertId))))];
    const alertId = first.alertId;
    const before = await stats();
    const sids = seeded.map(() => sid('SM'));
    // Every callback twice, the whole lot shuffled and in flight at once: repeats land in the same
    // batch or in the next one, and a late "sent" often overtakes its "delivered".
    const calls = seeded.flatMap((s, i) => ['sent', 'delivered', 'sent', 'delivered'].map((status) => () => smsStatus(s.delivery.sms, sids[i], status)));
    const answers = await Promise.all(calls.sort(() => Math.random() - 0.5).map((call) => call()));

    expect(answers.map((a) => a.status)).toEqual(calls.map(() => 200));
    for (const s of seeded) expect(await row(s.delivery.sms)).toMatchObject({ status: 'delivered', provider_status: 'delivered' });
    expect(await counters(alertId, 'sms')).toEqual({ delivered: seeded.length });
    const after = await stats();
    expect((after.published ?? 0) - (before.published ?? 0)).toBe(2 * seeded.length);
    expect((after.duplicate ?? 0) - (before.duplicate ?? 0)).toBe(2 * seeded.length);
  });

  it('refuses forged callbacks that arrive amid valid ones, and only those', async () => {
    const s = await seed();
    const messageSid = sid('SM');
    const path = `/webhooks/twilio/message-status?deliveryId=${s.delivery.sms}`;
    const forgedFailure = { MessageSid: messageSid, MessageStatus: 'failed', ErrorCode: '30007' };
    const [valid, forged, replayed] = await Promise.all([
      smsStatus(s.delivery.sms, messageSid, 'delivered'),
      twilioPost(path, forgedFailure, createHmac('sha1', 'guessed-token').update('x').digest('base64')),
      twilioPost(path, forgedFailure, twilioSignature(`${config.TRACKER_PUBLIC_URL}/webhooks/twilio/message-status?deliveryId=${s.delivery.voice}`, forgedFailure)),
    ]);
    expect([valid.status, forged.status, replayed.status]).toEqual([200, 403, 403]);
    expect(await row(s.delivery.sms)).toMatchObject({ status: 'delivered', reason: null });
  });

  it('asks the provider to come back while a callback is claimed by an attempt that never finished, and takes it once the claim is gone', async () => {
    const s = await seed();
    const messageSid = sid('SM');
    const mark = `bin:tracker:seen:twilio:message:${messageSid}:delivered`;
    // What an instance that died between claiming and publishing leaves behind.
    await redis.set(mark, 'pending', 'EX', 60);

    const refused = await smsStatus(s.delivery.sms, messageSid, 'delivered');
    expect(refused.status).toBe(503);
    expect(await row(s.delivery.sms)).toMatchObject({ status: 'accepted' });

    await redis.del(mark);
    expect((await smsStatus(s.delivery.sms, messageSid, 'delivered')).status).toBe(200);
    expect(await redis.get(mark)).toBe('done');
    expect(await row(s.delivery.sms)).toMatchObject({ status: 'delivered' });
  });

  // ------------------------------------------------------------------ the projection's store

  it('ends every delivery in the same status whatever order concurrent callbacks are applied in', async () => {
    const repository = new DeliveryTrackingRepository(db);
    const histories: Array<[Channel, TrackedDeliveryStatus[], TrackedDeliveryStatus]> = [
      ['sms', ['sent', 'delivered', 'sent', 'accepted'], 'delivered'],
      ['email', ['sent', 'deferred', 'deferred', 'delivered', 'sent'], 'delivered'],
      ['voice', ['sent', 'sent', 'answered', 'no_answer'], 'no_answer'],
    ];
    const seeded = await Promise.all(Array.from({ length: 5 }, () => seed()));
    await Promise.all(
      seeded.flatMap((s) =>
        histories.flatMap(([channel, history]) =>
          [...history]
            .sort(() => Math.random() - 0.5)
            .map((status) =>
              repository.applyStatusChange({ deliveryId: s.delivery[channel], channel, status, providerStatus: status, acknowledged: false, occurredAt: new Date() }),
            ),
        ),
      ),
    );
    for (const s of seeded) {
      for (const [channel, , final] of histories) expect([channel, (await row(s.delivery[channel])).status]).toEqual([channel, final]);
    }
  });

  // ------------------------------------------------------------------ inbound SMS

  it('records a STOP as an SMS opt-out on the member’s mobile, and a START as its end', async () => {
    const s = await seed();
    const optOuts = new SmsOptOutRepository(db);
    const inbound = (body: string, messageSid = sid('SM'), extra: Record<string, string> = {}) =>
      twilioPost('/webhooks/twilio/inbound-sms', {
        AccountSid: 'AC00000000000000000000000000000000',
        ApiVersion: '2010-04-01',
        MessageSid: messageSid,
        SmsSid: messageSid,
        SmsMessageSid: messageSid,
        From: s.mobile,
        To: '+32460200100',
        Body: body,
        NumMedia: '0',
        NumSegments: '1',
        SmsStatus: 'received',
        ...extra,
      });

    const stopSid = sid('SM');
    const stop = await inbound('Stop', stopSid, { OptOutType: 'STOP' });
    expect(stop).toEqual({ status: 200, contentType: expect.stringMatching(/^text\/xml/), body: '<?xml version="1.0" encoding="UTF-8"?><Response/>' });
    const since = await optOuts.optedOutSince(s.memberId);
    expect(since).toBeInstanceOf(Date);
    expect(await optOuts.history(s.memberId)).toEqual([{ action: 'opt_out', keyword: 'STOP', providerMessageId: stopSid, receivedAt: expect.any(Date) }]);

    // The same message posted again, and a chat message: nothing more is recorded.
    await inbound('Stop', stopSid, { OptOutType: 'STOP' });
    await inbound('Is er nieuws over de inbraken?');
    expect(await optOuts.history(s.memberId)).toHaveLength(1);
    expect(await optOuts.optedOutSince(s.memberId)).toEqual(since);

    expect((await inbound('START', undefined, { OptOutType: 'START' })).status).toBe(200);
    expect(await optOuts.optedOutSince(s.memberId)).toBeNull();
    expect((await optOuts.history(s.memberId)).map((h) => `${h.action}:${h.keyword}`)).toEqual(['opt_out:STOP', 'opt_in:START']);

    expect((await inbound('unsubscribe')).status).toBe(200);
    expect(await optOuts.optedOutSince(s.memberId)).toBeInstanceOf(Date);
  });

  it('answers an opt-out from a number no member registered without recording anything', async () => {
    const before = await stats();
    const messageSid = sid('SM');
    const res = await twilioPost('/webhooks/twilio/inbound-sms', { MessageSid: messageSid, From: '+32479999999', To: '+32460200100', Body: 'STOP' });
    expect(res.status).toBe(200);
    expect((await stats()).sms_reply_unknown_number - (before.sms_reply_unknown_number ?? 0)).toBe(1);
    expect(await db.query(`SELECT 1 FROM sms_opt_outs WHERE provider_message_id = $1`, [messageSid])).toEqual([]);
  });

  it('refuses an unsigned inbound SMS', async () => {
    const res = await twilioPost('/webhooks/twilio/inbound-sms', { MessageSid: sid('SM'), From: '+32479999999', Body: 'STOP' }, null);
    expect(res.status).toBe(400);
  });

  // ------------------------------------------------------------------ with the provider simulator

  /**
   * The official SDK adapters send through the provider simulator with the tracker's callback
   * URLs, and the simulator calls back, signed, as Twilio and SendGrid would: both sides agree on
   * URLs, signatures (the simulator's fixed SendGrid key is the tracker's default) and fields.
   */
  describe('with the provider simulator', () => {
    let sim: RunningProviderSim;
    let simConfig: AppConfig;

    beforeAll(async () => {
      sim = await startProviderSim({
        port: 0,
        logger: process.env.DEBUG_SIM ? undefined : false,
        config: {
          callbackDelayMs: { min: 1, max: 10 },
          twilioInboundSmsUrl: inboundSmsWebhookUrl(config.TRACKER_PUBLIC_URL),
          sendgridEventWebhookUrl: sendGridEventWebhookUrl(config.TRACKER_PUBLIC_URL),
        },
      });
      simConfig = testConfig({ PROVIDER_SIM_URL: sim.url });
    });

    afterAll(async () => {
      await sim?.close();
    });

    const content: AlertContent = { alertId: 'a', urgency: 'urgent', redistributionAllowed: false, texts: { nl: { title: 'Vermist', body: 'Lucas (8).' } } };
    const magic = (group: string) => `+3247099${group}${String(Math.floor(Math.random() * 100)).padStart(2, '0')}`;
    const settled = (id: string, done: (r: Record<string, unknown>) => boolean, what: string) => waitFor(() => row(id), done, { what });
    /** Every callback the simulator had to send was answered: their statuses are applied, counters included. */
    const callbacksAnswered = () =>
      waitFor(
        async () => ((await (await fetch(`${sim.url}/__sim/stats`)).json()) as { pendingCallbacks: number }).pendingCallbacks,
        (pending) => pending === 0,
        { what: 'no simulator callback pending' },
      );

    it('tracks SMS sent through the simulator: delivered, undelivered, delivered out of order', async () => {
      const sms = new TwilioSmsSender(providerSettingsFrom(simConfig).twilio);
      const alertId = randomUUID();
      const cases = [
        [await seed('nl', alertId), '+32470123456', 'delivered', null],
        [await seed('nl', alertId), magic('00'), 'undelivered', 'unreachable_handset'],
        [await seed('nl', alertId), magic('04'), 'delivered', null],
      ] as const;
      for (const [s, to] of cases) {
        await sms.send({ deliveryId: s.delivery.sms, to, body: 'BIN', statusCallbackUrl: messageStatusCallbackUrl(config.TRACKER_PUBLIC_URL, s.delivery.sms) });
      }
      for (const [s, , status, reason] of cases) {
        await settled(s.delivery.sms, (r) => r.status === status, `sms ${status}`);
        expect(await row(s.delivery.sms)).toMatchObject({ status, reason });
      }
      await callbacksAnswered();
      expect(await counters(alertId, 'sms')).toEqual({ delivered: 2, undelivered: 1 });
    });

    it('tracks calls placed through the simulator, with the press-1 acknowledgement', async () => {
      const voice = new TwilioVoiceCaller(providerSettingsFrom(simConfig).twilio);
      const alertId = randomUUID();
      const cases = [
        [await seed('nl', alertId), magic('14'), 'delivered', true],
        [await seed('nl', alertId), magic('15'), 'delivered', false],
        [await seed('nl', alertId), magic('10'), 'no_answer', false],
        [await seed('nl', alertId), magic('11'), 'busy', false],
        [await seed('nl', alertId), magic('12'), 'delivered', false],
      ] as const;
      for (const [s, to] of cases) {
        const twiml = voiceTwiml(renderVoice(content, 'nl', { gatherActionUrl: voiceGatherActionUrl(config.TRACKER_PUBLIC_URL, s.delivery.voice) }), DEFAULT_TWILIO_VOICES);
        await voice.call({
          deliveryId: s.delivery.voice,
          to,
          answer: { twiml },
          statusCallbackUrl: callStatusCallbackUrl(config.TRACKER_PUBLIC_URL, s.delivery.voice),
          statusCallbackEvents: [...TRACKED_CALL_EVENTS],
          machineDetection: 'Enable',
        });
      }
      for (const [s, , status, acknowledged] of cases) {
        await settled(s.delivery.voice, (r) => r.status === status, `call ${status}`);
        await callbacksAnswered();
        expect([status, acknowledged, (await row(s.delivery.voice)).acknowledged_at !== null]).toEqual([status, acknowledged, acknowledged]);
      }
      expect(await row(cases[4][0].delivery.voice)).toMatchObject({ reason: 'answered_by_machine' });
      expect(await counters(alertId, 'voice')).toEqual({ delivered: 3, no_answer: 1, busy: 1, acknowledged: 1 });
    });

    it('tracks e-mail sent through the simulator from its signed Event Webhook batches', async () => {
      const email = new SendGridEmailSender(providerSettingsFrom(simConfig).sendgrid);
      const alertId = randomUUID();
      const cases = [
        [await seed('nl', alertId), `${randomUUID()}@example.be`, 'delivered'],
        [await seed('nl', alertId), `${randomUUID()}@bounce.sim.test`, 'bounced'],
        [await seed('nl', alertId), `${randomUUID()}@dropped.sim.test`, 'failed'],
        [await seed('nl', alertId), `${randomUUID()}@deferred.sim.test`, 'delivered'],
      ] as const;
      await email.sendBatch({ subject: 's', text: 't', html: '<p>t</p>', recipients: cases.map(([s, to]) => ({ deliveryId: s.delivery.email, to })) });
      for (const [s, , status] of cases) await settled(s.delivery.email, (r) => r.status === status, `e-mail ${status}`);
      expect(await row(cases[2][0].delivery.email)).toMatchObject({ reason: 'dropped_bounced_address' });
      await callbacksAnswered();
      expect(await counters(alertId, 'email')).toEqual({ delivered: 2, bounced: 1, failed: 1 });
    });

    it('records a STOP texted to the simulator as an opt-out', async () => {
      const s = await seed();
      const res = await fetch(`${sim.url}/__sim/inbound-sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: s.mobile, to: simConfig.TWILIO_FROM_NUMBER, body: 'stop' }),
      });
      expect(res.ok).toBe(true);
      expect(await new SmsOptOutRepository(db).history(s.memberId)).toEqual([expect.objectContaining({ action: 'opt_out', keyword: 'STOP' })]);
    });
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
