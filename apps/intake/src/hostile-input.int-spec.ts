import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ERROR_CODES, FIELD_PROBLEM_CODES } from '@bin-alert/domain';
import { bearer } from '../../../test/support/access-tokens';
import { IntakeUnderTest, startIntakeUnderTest } from '../../../test/support/intake-under-test';
import { writtenRowCounts } from '../../../test/support/written-row-counts';

/**
 * The hostile requests a tester sent to a standalone instance (issue 13), each once: every one is
 * answered with a 4xx that says what is wrong, and none writes a row.
 */
describe('intake refuses hostile input with a 4xx and writes nothing', () => {
  let intake: IntakeUnderTest;

  beforeAll(async () => {
    intake = await startIntakeUnderTest();
  }, 60_000);

  afterAll(() => intake?.close());

  interface Answer {
    status: number;
    json: { code?: string; errors?: Array<{ field: string; code: string; reason: string }>; id?: string; [key: string]: unknown };
  }
  const send = async (method: string, path: string, init: { body?: string | Uint8Array; headers?: Record<string, string> } = {}): Promise<Answer> => {
    const res = await fetch(`${intake.url}${path}`, { method, headers: { authorization: bearer(), ...init.headers }, body: init.body as BodyInit | undefined });
    const text = await res.text();
    return { status: res.status, json: text.startsWith('{') ? JSON.parse(text) : {} };
  };
  const postJson = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    send('POST', path, { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  const postCap = (xml: string) => send('POST', '/v1/alerts', { body: xml, headers: { 'content-type': 'application/cap+xml' } });

  /** Asserts the status, the codes, and the field named, and that no table changed. */
  const refused = async (request: () => Promise<Answer>, status: number, field?: string, reason?: string) => {
    const before = await writtenRowCounts(intake.db);
    const answer = await request();
    expect({ status: answer.status, body: answer.json }).toMatchObject({ status });
    // What went wrong, as a code a client translates: the refusal's, and each field's.
    expect(Object.keys(ERROR_CODES)).toContain(answer.json.code);
    for (const problem of answer.json.errors ?? []) expect(FIELD_PROBLEM_CODES).toContain(problem.code);
    if (field) expect(answer.json.errors).toContainEqual({ field, code: expect.any(String), reason: reason ? expect.stringContaining(reason) : expect.any(String) });
    expect(await writtenRowCounts(intake.db)).toEqual(before);
    return answer;
  };

  const alert = (body: string, title = 'Inbraakgolf') => ({ category: 'burglary', bins: ['herdersem'], texts: { nl: { title, body } } });
  const application = (name: string) => ({ name, language: 'nl', bins: ['herdersem'], email: 'hostile@example.be', consent: true });

  it('answers a refused request with the code of the refusal and of each wrong field, keeping the fields clients read', async () => {
    const answer = await postJson('/v1/alerts', alert('Sluit ramen\u0000 en deuren.'));
    expect(answer).toEqual({
      status: 400,
      json: {
        statusCode: 400,
        error: 'Bad Request',
        code: 'input.invalid',
        message: 'The request is invalid.',
        errors: [{ field: 'texts.nl.body', code: 'unsafe_text', reason: 'contains the control character U+0000' }],
        correlationId: expect.any(String),
      },
    });
    const unknownBin = await postJson('/v1/alerts', { ...alert('Sluit ramen en deuren.'), bins: ['herdersem', 'atlantis'] });
    expect(unknownBin.json).toMatchObject({ code: 'input.invalid', errors: [{ field: 'bins[1]', code: 'unknown', reason: "unknown BIN 'atlantis'" }] });
    const noToken = await send('GET', '/v1/alerts', { headers: { authorization: '' } });
    expect(noToken).toMatchObject({ status: 401, json: { code: 'auth.token_missing' } });
  });

  describe('text with a NUL or a lone surrogate', () => {
    it('refuses a NUL in an alert text, naming the field', () => refused(() => postJson('/v1/alerts', alert('Sluit ramen\u0000 en deuren.')), 400, 'texts.nl.body', 'U+0000'));
    it('refuses a lone surrogate in an alert text, naming the field', () =>
      refused(() => postJson('/v1/alerts', '{"category":"burglary","bins":["herdersem"],"texts":{"nl":{"title":"x\\ud800","body":"y"}}}'), 400, 'texts.nl.title', 'U+D800'));
    it('refuses a NUL in an applicant name, naming the field', () => refused(() => postJson('/v1/applications', application('Jan\u0000 Peeters')), 400, 'name'));
    it('refuses a lone surrogate in an applicant name, naming the field', () =>
      refused(() => postJson('/v1/applications', '{"name":"Jan \\udc00","language":"nl","bins":["herdersem"],"email":"a@example.be","consent":true}'), 400, 'name', 'U+DC00'));
    it('refuses a NUL in a query string, naming the parameter', () => refused(() => send('GET', '/v1/alerts?state=%00'), 400, 'state'));
    it('refuses a NUL in a path segment', () => refused(() => send('GET', '/v1/bins/herdersem%00/members'), 400, 'path'));
  });

  describe('query parameters given twice (found by the fuzzer: a member page answered 500)', () => {
    it.each(['/confirm-email?token=a&token=b', '/preferences?lang=nl&lang=fr', '/v1/preferences?token=a&token=a', '/v1/alerts?limit=1&limit=2'])(
      'refuses %s with 400 naming the parameter',
      (path) => refused(() => send('GET', path), 400, new URLSearchParams(path.split('?')[1]).keys().next().value, 'more than once'),
    );
  });

  describe('body encodings and sizes', () => {
    it('refuses a Content-Encoding it does not support with 415', () => refused(() => postJson('/v1/alerts', alert('x'), { 'content-encoding': 'compress' }), 415));
    it('refuses a body that claims gzip and is not with 400', () => refused(() => postJson('/v1/alerts', alert('x'), { 'content-encoding': 'gzip' }), 400, 'body'));
    it('reads a body that is gzip as it says', async () => {
      const res = await send('POST', '/v1/alerts/preview', {
        body: gzipSync(JSON.stringify(alert('Sluit ramen.'))),
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      });
      expect(res.status).toBe(200);
    });
    it('refuses a JSON body over the limit with 413', () => refused(() => postJson('/v1/alerts', alert('x'.repeat(1_100_000))), 413, 'body'));
    it('refuses a CAP body over the limit with 413', () => refused(() => postCap(`<alert>${'x'.repeat(1_100_000)}</alert>`), 413, 'body'));
    it('refuses a form over its limit with 413', () =>
      refused(() => send('POST', '/v1/applications', { body: `name=${'x'.repeat(40_000)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 413, 'body'));
    it('refuses an alert in a media type it does not read with 415, naming the two it does', () =>
      refused(() => send('POST', '/v1/alerts', { body: 'category=burglary', headers: { 'content-type': 'text/plain' } }), 415, 'body', 'application/cap+xml'));
  });

  describe('CAP documents', () => {
    const sample = readFileSync(join(__dirname, '../../../libs/domain/src/cap/samples/missing-person-alert.xml'), 'utf8');
    const capAlert = (identifier: string, change: (xml: string) => string = (x) => x) =>
      change(
        sample
          .replace('PZ-AALST-2026-0042', identifier)
          .replace(/<expires>[^<]*<\/expires>/g, `<expires>${new Date(Date.now() + 86_400_000).toISOString().replace(/\.\d+Z$/, '+00:00')}</expires>`),
      );

    it('refuses a document nested tens of thousands of elements deep with 400', () => {
      const deep = `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">${'<info>'.repeat(50_000)}${'</info>'.repeat(50_000)}</alert>`;
      return refused(() => postCap(deep), 400, 'body', 'nested');
    });

    it('refuses a document with an undeclared entity with 400', () =>
      refused(() => postCap(capAlert('PZ-HOSTILE-ENTITY', (x) => x.replace('Vermiste jongen', 'Vermiste&nbsp;jongen'))), 400, 'body', '&nbsp;'));

    it('refuses a character reference to a character XML does not allow with 400', () =>
      refused(() => postCap(capAlert('PZ-HOSTILE-NUL', (x) => x.replace('Vermiste jongen', 'Vermiste&#0;jongen'))), 400, 'body', '&#0;'));

    it('decodes numeric character references as XML defines them', async () => {
      const created = await postCap(capAlert('PZ-HOSTILE-CAFE', (x) => x.replace('Vermiste jongen', 'Caf&#233; &#x263A; &#x3c;b&#x3E; &amp;#233;')));
      expect(created.status).toBe(201);
      const stored = await send('GET', `/v1/alerts/${created.json.id}`);
      expect((stored.json.texts as { nl: { title: string } }).nl.title).toBe('Café ☺ <b> &#233; Lucas (8)');
    });
  });

  describe('cursors', () => {
    it.each([
      ['not base64 JSON', 'bm90IGpzb24'],
      ['a date PostgreSQL cannot read', Buffer.from(JSON.stringify({ createdAt: 'yesterday-ish', id: '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b' })).toString('base64url')],
      ['a year out of range', Buffer.from(JSON.stringify({ createdAt: '99999-01-01 00:00:00+00', id: '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b' })).toString('base64url')],
    ])('refuses a forged alert-list cursor (%s) with 400 naming "before"', (_, before) => refused(() => send('GET', `/v1/alerts?before=${before}`), 400, 'before'));

    it('refuses an audit cursor past the largest id with 400', () =>
      refused(() => send('GET', '/v1/audit?before=9999999999999999999', { headers: { authorization: bearer({ role: 'admin', policeZone: undefined }) } }), 400, 'before'));

    it('pages with the cursor it gave out', async () => {
      const first = await send('GET', '/v1/alerts?limit=1');
      expect(first.status).toBe(200);
      if (first.json.next) expect((await send('GET', `/v1/alerts?limit=1&before=${first.json.next}`)).status).toBe(200);
    });
  });
});
