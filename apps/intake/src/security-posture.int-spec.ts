import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { StaffAccountRepository } from '@bin-alert/persistence';
import { hashPassword, opsUrlOf } from '@bin-alert/platform';
import { IntakeUnderTest, startIntakeUnderTest } from '../../../test/support/intake-under-test';
import { resetRedis } from '../../../test/support/reset-infrastructure';
import { testConfig } from '../../../bench/src/support/test-config';
import { writtenRowCounts } from '../../../test/support/written-row-counts';

/**
 * Intake configured for production, attacked as docs/reliability.md ("Security posture") says it
 * holds: the ops endpoints are not on its port, and bursts of concurrent requests from many
 * addresses, through the trusted proxy or with X-Forwarded-For forged by any other peer, get no
 * more than the limits allow: every other answer is 429 with Retry-After, and writes nothing.
 *
 * The test connects from two loopback addresses: 127.0.0.2 is the reverse proxy the deployment
 * trusts (TRUSTED_PROXIES), 127.0.0.3 any other peer. Limits are counted in a Redis database of
 * the test's own, emptied before and after, so the allowance of 127.0.0.1 other tests count on is
 * not spent, and earlier runs in the same hour do not count.
 */
const PROXY = '127.0.0.2';
const STRANGER = '127.0.0.3';
const REDIS_DB = 11;
const PER_ADDRESS = 3;
const CEILING = 12;
const PER_USERNAME = 5;
const LOGINS_PER_ADDRESS = 10;

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: string;
}

describe('security posture of intake in production (docs/reliability.md, "Security posture")', () => {
  let intake: IntakeUnderTest;
  let redisUrl: URL | undefined;
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    redisUrl = new URL(testConfig().REDIS_URL);
    redisUrl.pathname = `/${REDIS_DB}`;
    await resetRedis(redisUrl.toString());
    // The allowances are hourly windows: a burst must not straddle two of them.
    const secondsLeftInHour = 3600 - ((Date.now() / 1000) % 3600);
    if (secondsLeftInHour < 45) await new Promise((resolve) => setTimeout(resolve, (secondsLeftInHour + 1) * 1000));
    intake = await startIntakeUnderTest(
      testConfig({
        NODE_ENV: 'production',
        // Every refusal below is logged as a warning: hundreds of lines that say what the test asserts.
        LOG_LEVEL: 'error',
        AUTH_TOKEN_SECRET: `security-posture-${randomUUID()}`,
        MEMBER_LINKS_BASE_URL: 'https://bin.example',
        TRACKER_PUBLIC_URL: 'https://hooks.bin.example',
        OPS_PORT: '0',
        TRUSTED_PROXIES: PROXY,
        REDIS_URL: redisUrl.toString(),
        APPLICATIONS_PER_IP_PER_HOUR: String(PER_ADDRESS),
        APPLICATIONS_PER_HOUR: String(CEILING),
        AUTH_LOGIN_MAX_ATTEMPTS_PER_USERNAME: String(PER_USERNAME),
        AUTH_LOGIN_MAX_ATTEMPTS_PER_IP: String(LOGINS_PER_ADDRESS),
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await intake?.close();
    if (redisUrl) await resetRedis(redisUrl.toString());
  });

  /** One request on a connection of its own from `from`, optionally naming a client in X-Forwarded-For. */
  const send = (from: string, method: string, path: string, options: { forwardedFor?: string; json?: unknown; form?: Record<string, string> } = {}): Promise<Answer> => {
    const body = options.json !== undefined ? JSON.stringify(options.json) : options.form ? new URLSearchParams(options.form).toString() : undefined;
    const headers: Record<string, string> = { 'user-agent': 'security-posture-int-spec' };
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    if (options.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    if (options.forwardedFor) headers['x-forwarded-for'] = options.forwardedFor;
    return new Promise((resolve, reject) => {
      const req = httpRequest(new URL(path, intake.url), { method, headers, localAddress: from, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] as string | undefined, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  };

  /** `count` requests at once; answers with a status other than `accepted` must be 429 with a Retry-After within the window. */
  const burst = async (count: number, accepted: number[], request: (i: number) => Promise<Answer>, windowSeconds: number) => {
    const answers = await Promise.all(Array.from({ length: count }, (_, i) => request(i)));
    const unexpected = answers.filter((a) => !accepted.includes(a.status) && a.status !== 429).map((a) => `${a.status} ${a.body.slice(0, 200)}`);
    expect(unexpected).toEqual([]);
    const refused = answers.filter((a) => a.status === 429);
    const badRetryAfter = refused.filter((a) => !/^\d+$/.test(a.retryAfter ?? '') || Number(a.retryAfter) < 1 || Number(a.retryAfter) > windowSeconds);
    expect(badRetryAfter.map((a) => a.retryAfter)).toEqual([]);
    return { accepted: answers.length - refused.length, refused: refused.length };
  };

  const application = (email: string) => ({ name: 'Burst Aanvrager', language: 'nl', bins: ['herdersem'], email, consent: true });
  /** Half through the JSON API, half through the member page's form: both spend the same allowance. */
  const apply = (from: string, forwardedFor: string | undefined, i: number, label: string) => {
    const email = `burst-${run}-${label}-${i}@example.be`;
    return i % 2 === 0
      ? send(from, 'POST', '/v1/applications', { forwardedFor, json: application(email) })
      : send(from, 'POST', '/join', { forwardedFor, form: { name: 'Burst Aanvrager', language: 'nl', bins: 'herdersem', email, consent: 'yes' } });
  };
  const APPLIED = [201, 303];

  it('answers 404 on its port for /metrics and the health endpoints, and serves them on OPS_PORT', async () => {
    const ops = opsUrlOf(intake.app as NestExpressApplication)!;
    expect(ops).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const path of ['/metrics', '/health', '/health/live', '/health/ready']) {
      expect({ path, public: (await send(PROXY, 'GET', path)).status }).toEqual({ path, public: 404 });
      const onOps = await fetch(`${ops}${path}`);
      expect({ path, ops: onOps.status }).toEqual({ path, ops: 200 });
    }
    expect(await (await fetch(`${ops}/health/ready`)).json()).toMatchObject({ status: 'ok', checks: { postgres: 'ok', redis: 'ok', kafka: 'ok' } });
  });

  describe('membership applications (the form is public)', () => {
    it('hold the per-address allowance, the ceiling over all addresses, and write only what they accept', async () => {
      const before = await writtenRowCounts(intake.db);
      const reference = await apply(PROXY, '192.0.2.250', 0, 'reference');
      expect(reference.status).toBe(201);
      const perApplication = difference(await writtenRowCounts(intake.db), before);
      expect(perApplication).toMatchObject({ members: 1, audit_log: 1 });
      const afterReference = await writtenRowCounts(intake.db);

      // A peer that is not the proxy names a new client in every request: it stays one address.
      const forged = await burst(20, APPLIED, (i) => apply(STRANGER, `198.51.100.${i + 1}`, i, 'forged'), 3600);
      expect(forged).toEqual({ accepted: PER_ADDRESS, refused: 20 - PER_ADDRESS });

      // Through the proxy, twenty addresses of one IPv6 /64 (one home, one phone) are one client.
      const oneHome = await burst(20, APPLIED, (i) => apply(PROXY, `2001:db8:7:7::${(i + 1).toString(16)}`, i, 'ipv6'), 3600);
      expect(oneHome).toEqual({ accepted: PER_ADDRESS, refused: 20 - PER_ADDRESS });

      // Sixty addresses each within its own allowance: the ceiling for all of them holds.
      const many = await burst(60, APPLIED, (i) => apply(PROXY, `203.0.113.${i + 1}`, i, 'many'), 3600);
      const leftUnderCeiling = CEILING - 1 - 2 * PER_ADDRESS;
      expect(many).toEqual({ accepted: leftUnderCeiling, refused: 60 - leftUnderCeiling });

      // Refused requests wrote nothing: each table grew by exactly what the accepted ones write.
      const accepted = forged.accepted + oneHome.accepted + many.accepted;
      expect(difference(await writtenRowCounts(intake.db), afterReference)).toEqual(scaled(perApplication, accepted));
      const applicants = await intake.db.query(`SELECT count(*)::int AS n FROM contact_points WHERE value LIKE $1`, [`burst-${run}-%`]);
      expect(applicants[0].n).toBe(1 + accepted);

      // The ceiling is reached: a fresh address is refused too, and says when to come back.
      const fresh = await apply(PROXY, '192.0.2.99', 0, 'fresh');
      expect(fresh.status).toBe(429);
      expect(JSON.parse(fresh.body).message).toContain('from all addresses together');
    });
  });

  describe('links and codes that cost an e-mail or an SMS', () => {
    it('hold the per-address allowance and the ceiling under a burst from many addresses', async () => {
      const ask = (forwardedFor: string, i: number) =>
        i % 2 === 0
          ? send(PROXY, 'POST', '/v1/preferences/link', { forwardedFor, json: { email: `nobody-${run}-${i}@example.be` } })
          : send(PROXY, 'POST', '/preferences/link', { forwardedFor, form: { email: `nobody-${run}-${i}@example.be` } });
      const before = await writtenRowCounts(intake.db);
      const oneHome = await burst(30, [200, 202], (i) => ask(`2001:db8:9:9:${(i + 1).toString(16)}::1`, i), 3600);
      expect(oneHome).toEqual({ accepted: PER_ADDRESS, refused: 30 - PER_ADDRESS });
      const many = await burst(40, [200, 202], (i) => ask(`198.18.0.${i + 1}`, i), 3600);
      expect(many).toEqual({ accepted: CEILING - PER_ADDRESS, refused: 40 - (CEILING - PER_ADDRESS) });
      // No address asked belongs to a member: nothing is sent, accepted or not.
      expect(await writtenRowCounts(intake.db)).toEqual(before);
    });
  });

  describe('staff sign-in', () => {
    const login = (from: string, forwardedFor: string, username: string, password: string) => send(from, 'POST', '/v1/auth/token', { forwardedFor, json: { username, password } });
    const failedSignIns = async (username: string) =>
      (await intake.db.query(`SELECT client_ip FROM audit_log WHERE action = 'auth.login_failed' AND details->>'username' = $1`, [username])) as Array<{ client_ip: string }>;

    it('holds the per-username limit whatever addresses the guesses come from', async () => {
      const username = `burst-target-${run}`;
      const password = 'the right password, twelve+';
      const id = randomUUID();
      await new StaffAccountRepository(intake.db).create(
        { id, username, displayName: 'Burst target', passwordHash: await hashPassword(password), role: 'operator', policeZone: 'aalst', binIds: [] },
        { actor: null, action: 'account.created', target: { type: 'account', id } },
      );
      const guesses = await burst(40, [401], (i) => login(PROXY, `203.0.113.${100 + i}`, username, `wrong guess ${i}`), 900);
      expect(guesses).toEqual({ accepted: PER_USERNAME, refused: 40 - PER_USERNAME });
      const audited = await failedSignIns(username);
      expect(audited).toHaveLength(PER_USERNAME);
      // The proxy named the clients: the audit log has their addresses, not the proxy's.
      for (const { client_ip } of audited) expect(client_ip).toMatch(/^203\.0\.113\.\d+$/);
      // Locked for the window, even with the right password from an address not seen before.
      const right = await login(PROXY, '192.0.2.77', username, password);
      expect({ status: right.status, retryAfter: Number(right.retryAfter) > 0 }).toEqual({ status: 429, retryAfter: true });
      expect(await failedSignIns(username)).toHaveLength(PER_USERNAME);
    });

    it('holds the per-address limit against a spray over many usernames with forged X-Forwarded-For', async () => {
      const spray = await burst(30, [401], (i) => login(STRANGER, `198.51.100.${100 + i}`, `spray-${run}-${i}`, 'Winter2026!'), 900);
      expect(spray).toEqual({ accepted: LOGINS_PER_ADDRESS, refused: 30 - LOGINS_PER_ADDRESS });
      const audited = await intake.db.query(`SELECT client_ip FROM audit_log WHERE action = 'auth.login_failed' AND details->>'username' LIKE $1`, [`spray-${run}-%`]);
      // The forged header reached neither the limit nor the audit log.
      expect(audited.map((row: { client_ip: string }) => row.client_ip)).toEqual(Array(LOGINS_PER_ADDRESS).fill(STRANGER));
    });

    it('counts a spray from one IPv6 /64 through the proxy as one address', async () => {
      const spray = await burst(20, [401], (i) => login(PROXY, `2001:db8:5:5:${(i + 1).toString(16)}::9`, `spray6-${run}-${i}`, 'Winter2026!'), 900);
      expect(spray).toEqual({ accepted: LOGINS_PER_ADDRESS, refused: 20 - LOGINS_PER_ADDRESS });
    });
  });
});

function difference(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((table) => [table, after[table] - before[table]]));
}

function scaled(counts: Record<string, number>, times: number): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([table, n]) => [table, n * times]));
}
