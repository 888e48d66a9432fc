import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import fc from 'fast-check';
import { ERROR_CODES, FIELD_PROBLEM_CODES, LinkSigner, Principal } from '@bin-alert/domain';
import { accessTokenSettingsFrom, memberLinkSecretFrom, signAccessToken } from '@bin-alert/platform';
import { bearer } from '../../../test/support/access-tokens';
import { IntakeUnderTest, startIntakeUnderTest } from '../../../test/support/intake-under-test';
import { FuzzRequest, Hints, Operation, describeRequest, operationsOf, requestFor } from '../../../test/support/openapi-fuzz';
import { resetDatabase } from '../../../test/support/reset-infrastructure';
import { TEST_DATABASE_URL, testConfig } from '../../../bench/src/support/test-config';
import { writtenRowCounts } from '../../../test/support/written-row-counts';

/**
 * Every operation of GET /openapi.json, fuzzed over loopback with fast-check: valid-shaped and
 * hostile requests (wrong types, huge and empty strings, control characters, lone surrogates,
 * deep nesting, wrong media types and encodings, garbage path parameters, forged tokens). Every
 * answer must be below 500, and every refused (4xx) request must leave each table's row count as
 * it was. Bounded: FUZZ_REQUESTS requests (1,400) in FUZZ_SECONDS (75 s), spread evenly over the
 * operations. The seed is printed first; FUZZ_SEED=<seed> replays a run, and a failure names the
 * operation, fast-check's seed and path, and the request as curl would send it.
 *
 * Isolated so that thousands of writes cannot reach another test: a database of its own on the
 * same PostgreSQL, and intake's standalone bus and stores (nothing reaches the Kafka topics that
 * later dispatcher tests read from the beginning, nor the Redis allowance of 127.0.0.1 that other
 * tests' applications count against). The HTTP layer, validation, services and SQL are intake's own.
 */
const MAX_REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 1_400);
const BUDGET_MS = Number(process.env.FUZZ_SECONDS ?? 75) * 1_000;
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
/** Only this operation (e.g. "POST /v1/alerts"), to replay a failure. */
const ONLY = process.env.FUZZ_OPERATION;
const REQUEST_TIMEOUT_MS = 20_000;
const FUZZ_DATABASE_URL = TEST_DATABASE_URL.replace(/\/[^/?]+(\?|$)/, '/bin_alert_fuzz$1');

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

describe('HTTP fuzzer over the OpenAPI document', () => {
  let intake: IntakeUnderTest;
  let operations: Operation[];
  let hints: Hints;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const sample = readFileSync(join(__dirname, '../../../libs/domain/src/cap/samples/missing-person-alert.xml'), 'utf8');

  beforeAll(async () => {
    process.stdout.write(`\n[api-fuzz] seed ${SEED} (replay: FUZZ_SEED=${SEED}), at most ${MAX_REQUESTS} requests in ${BUDGET_MS / 1000} s\n`);
    await resetDatabase(FUZZ_DATABASE_URL);
    intake = await startIntakeUnderTest(testConfig({ DATABASE_URL: FUZZ_DATABASE_URL, BIN_ALERT_MODE: 'standalone', APPLICATIONS_PER_IP_PER_HOUR: '1000000' }));
    expect(new URL(intake.url).hostname).toBe('127.0.0.1');
    const document = JSON.parse((await send({ method: 'GET', url: '/openapi.json', headers: {} })).text);
    operations = operationsOf(document).filter((o) => !ONLY || `${o.method} ${o.path}` === ONLY);
    hints = await fixtures();
  }, 120_000);

  afterAll(async () => {
    agent.destroy();
    await intake?.close();
  });

  function send(request: FuzzRequest): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const target = new URL(intake.url);
      const headers: Record<string, string | number> = { ...request.headers };
      if (request.body) headers['content-length'] = request.body.length;
      const req = httpRequest({ host: target.hostname, port: target.port, method: request.method, path: request.url, headers, agent, timeout: REQUEST_TIMEOUT_MS }, (res) => {
        const contentType = String(res.headers['content-type'] ?? '');
        // A live feed never ends by itself: its status and first bytes are the answer.
        if (contentType.startsWith('text/event-stream')) {
          res.destroy();
          return resolve({ status: res.statusCode ?? 0, contentType, text: '' });
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(request.body);
    });
  }

  const json = async (method: string, url: string, body: unknown, authorization?: string) => {
    const headers: Record<string, string> = { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(authorization ? { authorization } : {}) };
    const answer = await send({ method, url, headers, body: body !== undefined ? Buffer.from(JSON.stringify(body)) : undefined });
    if (answer.status >= 300) throw new Error(`fixture ${method} ${url}: ${answer.status} ${answer.text}`);
    return JSON.parse(answer.text) as Record<string, unknown>;
  };

  /** A role's token as the API's own tests sign it, in the zone and BINs the fixtures use. */
  const tokenFor = (role: string) =>
    bearer({
      role: role as Principal['role'],
      policeZone: role === 'operator' || role === 'supervisor' ? 'aalst' : undefined,
      binIds: role === 'board' ? ['herdersem', 'moorsel'] : [],
    });

  /** Things that exist, so that generated requests get past "not found" and reach the code behind. */
  async function fixtures(): Promise<Hints> {
    const texts = { nl: { title: 'Fuzz', body: 'Vaste tekst.' } };
    const alert = await json('POST', '/v1/alerts', { category: 'burglary', bins: ['herdersem'], texts }, tokenFor('operator'));
    const draft = await json('POST', '/v1/alerts/drafts', { category: 'prevention', bins: ['herdersem'], texts }, tokenFor('board'));
    const member = await json('POST', '/v1/applications', {
      name: 'Fuzz Tester',
      language: 'nl',
      bins: ['herdersem'],
      email: 'fuzz@example.be',
      mobile: '+32470000042',
      consent: true,
    });
    const account = await json(
      'POST',
      '/v1/accounts',
      { username: 'fuzz-operator', displayName: 'Fuzz', password: 'correct horse battery staple', role: 'operator', policeZone: 'aalst' },
      tokenFor('admin'),
    );
    const bins = ((await json('GET', '/v1/bins', undefined)).bins as Array<{ id: string }>).map((b) => b.id);
    const categories = ((await json('GET', '/v1/categories', undefined)).categories as Array<{ code: string }>).map((c) => c.code);
    const memberId = String(member.memberId);
    const [email] = (await intake.db.query(`SELECT id FROM contact_points WHERE member_id = $1 AND kind = 'email'`, [memberId])) as Array<{ id: string }>;
    const signer = new LinkSigner(memberLinkSecretFrom(intake.config));
    const now = new Date();
    const links = [
      signer.sign({ purpose: 'preferences', memberId }, now),
      signer.sign({ purpose: 'subscribe', memberId, category: 'covid' }, now),
      signer.sign({ purpose: 'unsubscribe', memberId, category: 'burglary' }, now),
      signer.sign({ purpose: 'resign', memberId }, now),
      ...(email ? [signer.sign({ purpose: 'confirm_email', memberId, contactId: email.id }, now)] : []),
    ];
    const firstPage = await json('GET', '/v1/alerts?limit=1', undefined, tokenFor('operator'));
    return {
      id: [alert.id, draft.id, account.id, memberId],
      memberId: [memberId],
      binId: [...bins, 'atlantis'],
      bin: [...bins, 'atlantis'],
      bins: [bins.slice(0, 2).join(','), 'atlantis'],
      code: [...categories, 'ufo', '123456'],
      category: [...categories, 'ufo'],
      token: [...links, links[0].replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), `${links[0]}.x`],
      email: ['fuzz@example.be', 'Fuzz@Example.BE', 'not-an-address'],
      mobile: ['+32470000042', '0470 00 00 42', '+3212345'],
      name: ['Fuzz Tester'],
      language: ['nl', 'fr', 'de', 'en'],
      consent: [true, 'yes'],
      username: ['fuzz-operator', 'operator'],
      password: ['correct horse battery staple', 'bin-alert-demo'],
      before: firstPage.next ? [firstPage.next] : [],
    };
  }

  const settings = () => accessTokenSettingsFrom(intake.config);
  const hostileTokens = () => {
    const operator: Principal = { accountId: 'fuzz', role: 'operator', policeZone: 'aalst', binIds: [] };
    const valid = signAccessToken(operator, settings());
    const [header, payload] = valid.split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    return [
      `Bearer ${valid.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}`,
      `Bearer ${signAccessToken(operator, settings(), Date.now() - 3 * 86_400_000)}`,
      `Bearer ${unsigned}`,
      `Bearer ${header}.${Buffer.from('{"role":"admin"').toString('base64url')}.x`,
      `Bearer ${signAccessToken({ ...operator, role: 'root' as Principal['role'] }, settings())}`,
      'Bearer ',
      'Bearer a.b.c',
      'Basic Zm9vOmJhcg==',
      `Bearer ${'x'.repeat(4_000)}`,
    ];
  };

  it('answers every generated request below 500, and a refused one writes nothing', async () => {
    const context = {
      hints,
      tokens: { forRole: tokenFor, hostile: hostileTokens() },
      capDocument: (identifier: string) =>
        sample
          .replace('PZ-AALST-2026-0042', identifier)
          .replace(/<expires>[^<]*<\/expires>/g, `<expires>${new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, '+00:00')}</expires>`),
    };
    const started = Date.now();
    const statuses = new Map<number, number>();
    const perOperationStatuses = new Map<string, number[]>();
    let sent = 0;
    const perOperation = Math.max(1, Math.floor(MAX_REQUESTS / operations.length));
    for (const [index, operation] of operations.entries()) {
      const remaining = operations.length - index;
      const timeLeft = BUDGET_MS - (Date.now() - started);
      const property = fc.asyncProperty(requestFor(operation, context), async (request) => {
        // Shrinking a failure sends requests too: the bound holds for those as well.
        if (sent >= MAX_REQUESTS) return;
        sent++;
        const before = await writtenRowCounts(intake.db);
        const answer = await send(request).catch((error: Error) => ({ status: 0, contentType: '', text: `no answer: ${error.message}` }));
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const name = `${operation.method} ${operation.path}`;
        perOperationStatuses.set(name, [...(perOperationStatuses.get(name) ?? []), answer.status]);
        if (process.env.FUZZ_VERBOSE === '2') process.stdout.write(`${answer.status} ${describeRequest(request).slice(0, 300)} → ${answer.text.slice(0, 200)}\n`);
        const what = () => `${operation.method} ${operation.path}: ${describeRequest(request)}\n  answered ${answer.status}: ${answer.text.slice(0, 500)}`;
        if (answer.status === 0 || answer.status >= 500) throw new Error(`a ${answer.status || 'missing'} answer to ${what()}`);
        if (answer.status >= 400) {
          if (answer.contentType.startsWith('application/json') && !isCoded(answer.text))
            throw new Error(`refused with ${answer.status} without a code for each thing wrong: ${what()}`);
          const after = await writtenRowCounts(intake.db);
          const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
          if (changed.length > 0)
            throw new Error(`refused with ${answer.status}, yet rows changed in ${changed.map((t) => `${t} (${before[t]} → ${after[t]})`).join(', ')}: ${what()}`);
        }
      });
      try {
        await fc.assert(property, {
          seed: SEED + index,
          numRuns: perOperation,
          interruptAfterTimeLimit: Math.max(500, Math.floor(timeLeft / remaining)),
          markInterruptAsFailure: false,
        });
      } catch (error) {
        const cause = (error as Error & { cause?: unknown }).cause;
        throw new Error(
          `[api-fuzz] ${operation.method} ${operation.path} failed; replay with FUZZ_SEED=${SEED} FUZZ_OPERATION='${operation.method} ${operation.path}'\n${cause instanceof Error ? cause.message : ''}\n${(error as Error).message}`,
        );
      }
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const histogram = [...statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}×${count}`)
      .join(' ');
    process.stdout.write(`[api-fuzz] ${sent} requests over ${operations.length} operations in ${seconds} s (seed ${SEED}): ${histogram}\n`);
    if (process.env.FUZZ_VERBOSE)
      for (const [name, list] of perOperationStatuses)
        process.stdout.write(
          `  ${name}: ${[...new Set(list)]
            .sort()
            .map((st) => `${st}×${list.filter((x) => x === st).length}`)
            .join(' ')}\n`,
        );
    expect(sent).toBeGreaterThanOrEqual(operations.length);

    // Still healthy: ready, and a plain alert is still issued.
    expect((await send({ method: 'GET', url: '/health/ready', headers: {} })).status).toBe(200);
    await json('POST', '/v1/alerts', { category: 'burglary', bins: ['herdersem'], texts: { nl: { title: 'Na de fuzz', body: 'Nog steeds gezond.' } } }, tokenFor('operator'));
  }, 240_000);
});

/** A JSON refusal names what went wrong as a code, and each wrong field's too (issue 15). */
function isCoded(text: string): boolean {
  const body = JSON.parse(text) as { code?: unknown; errors?: Array<{ code?: unknown }> };
  const known = Object.hasOwn(ERROR_CODES, String(body.code)) || /^http\.[a-z_]+$/.test(String(body.code));
  return known && (body.errors ?? []).every((e) => (FIELD_PROBLEM_CODES as readonly unknown[]).includes(e.code));
}
