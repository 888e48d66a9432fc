import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { generateKeyPair } from 'jose';
import { StaffAccountRepository, openDataSource } from '@bin-alert/persistence';
import { hashPassword } from '@bin-alert/platform';
import { testConfig } from '../../../../bench/src/support/test-config';
import { bearer } from '../../../../test/support/access-tokens';
import { TestIdentityProvider } from '../../../../test/support/test-identity-provider';
import { startIntake } from '../start-intake';

/**
 * People and roles on the real stack: local sign-in (argon2id, throttled in Redis, audited),
 * admin-only account management, BIN scope on alert reads, tokens from an OIDC provider, the
 * audit log and the OpenAPI document, all through intake's HTTP API.
 */
describe('staff sign-in, roles, scope and audit', () => {
  let app: INestApplication;
  let url: string;
  let db: DataSource;
  let idp: TestIdentityProvider;
  let adminToken: string;
  const adminPassword = 'correct horse battery staple';

  beforeAll(async () => {
    idp = await TestIdentityProvider.start();
    const config = testConfig({
      AUTH_JWKS_URL: idp.jwksUrl,
      AUTH_OIDC_ISSUER: TestIdentityProvider.issuer,
      AUTH_OIDC_AUDIENCE: TestIdentityProvider.audience,
      AUTH_OIDC_ROLE_CLAIM: 'realm_access.roles',
      AUTH_OIDC_ZONE_CLAIM: 'police_zone',
      AUTH_LOGIN_MAX_ATTEMPTS_PER_USERNAME: '3',
    });
    app = await startIntake(config, 0);
    url = await app.getUrl();
    db = await openDataSource(config.DATABASE_URL, 2);
    const id = randomUUID();
    await new StaffAccountRepository(db).create(
      { id, username: 'chief-admin', displayName: 'Chief admin', passwordHash: await hashPassword(adminPassword), role: 'admin', policeZone: null, binIds: [] },
      { actor: null, action: 'account.created', target: { type: 'account', id } },
    );
    adminToken = `Bearer ${(await (await login('chief-admin', adminPassword)).json()).accessToken}`;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await db?.destroy();
    await idp?.stop();
  });

  const call = (method: string, path: string, authorization?: string, body?: unknown): Promise<JsonResponse> =>
    fetch(`${url}${path}`, {
      method,
      headers: { ...(authorization ? { authorization } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), 'user-agent': 'auth-int-spec' },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    }) as Promise<JsonResponse>;
  const login = (username: string, password: string) => call('POST', '/v1/auth/token', undefined, { username, password });
  const createAccount = async (account: Record<string, unknown>) => {
    const res = await call('POST', '/v1/accounts', adminToken, { displayName: 'Someone', password: 'twelve chars or more', ...account });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; username: string };
  };
  const auditRows = (action: string, targetId: string | null) =>
    db.query(`SELECT * FROM audit_log WHERE action = $1 AND target_id IS NOT DISTINCT FROM $2 ORDER BY id`, [action, targetId]);
  const issueAlert = async (bins: string[], authorization = bearer()) => {
    const res = await call('POST', '/v1/alerts', authorization, { category: 'burglary', bins, texts: { nl: { title: 'Inbraak', body: 'Sluit ramen en deuren.' } } });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };

  describe('POST /v1/auth/token', () => {
    it('signs a staff member in with username and password, and audits it', async () => {
      const account = await createAccount({ username: 'Jan.Operator', role: 'operator', policeZone: 'aalst' });
      expect(account.username).toBe('jan.operator');
      const res = await login('JAN.operator', 'twelve chars or more');
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = await res.json();
      expect(body).toMatchObject({ tokenType: 'Bearer', expiresIn: 28800, role: 'operator', policeZone: 'aalst', bins: [], account: { id: account.id, username: 'jan.operator' } });
      expect((await call('POST', '/v1/alerts', `Bearer ${body.accessToken}`, { category: 'burglary', bins: ['moorsel'], texts: { nl: { title: 't', body: 'b' } } })).status).toBe(
        201,
      );
      const [row] = await auditRows('auth.login_succeeded', account.id);
      expect(row).toMatchObject({
        actor_account_id: account.id,
        actor_role: 'operator',
        target_type: 'account',
        user_agent: 'auth-int-spec',
        client_ip: expect.stringContaining('127.0.0.1'),
      });
    });

    it('answers an unknown username and a wrong password alike, and audits both', async () => {
      const account = await createAccount({ username: 'piet', role: 'supervisor', policeZone: 'aalst' });
      const unknown = await login('nobody-here', 'twelve chars or more');
      const wrong = await login('piet', 'not the password');
      expect([unknown.status, wrong.status]).toEqual([401, 401]);
      const [a, b] = [await unknown.json(), await wrong.json()];
      expect(a.message).toBe('username or password is wrong');
      expect(b.message).toBe(a.message);
      expect((await auditRows('auth.login_failed', account.id))[0].details).toEqual({ username: 'piet', reason: 'wrong_password' });
      const anonymous = await db.query(`SELECT details FROM audit_log WHERE action = 'auth.login_failed' AND details->>'username' = 'nobody-here'`);
      expect(anonymous).toEqual([{ details: { username: 'nobody-here', reason: 'unknown_username' } }]);
    });

    it('refuses a disabled account, even with the right password, and the tokens it already had', async () => {
      const account = await createAccount({ username: 'retired', role: 'operator', policeZone: 'aalst' });
      const earlier = `Bearer ${(await (await login('retired', 'twelve chars or more')).json()).accessToken}`;
      expect((await call('GET', `/v1/alerts/${randomUUID()}`, earlier)).status).toBe(404);
      const disabled = await call('POST', `/v1/accounts/${account.id}/disable`, adminToken);
      expect(disabled.status).toBe(200);
      expect((await disabled.json()).disabledAt).toEqual(expect.any(String));
      const res = await login('retired', 'twelve chars or more');
      expect(res.status).toBe(403);
      expect((await res.json()).message).toBe('this account is disabled; ask an admin');
      expect(await auditRows('account.disabled', account.id)).toHaveLength(1);
      const refused = await call('GET', `/v1/alerts/${randomUUID()}`, earlier);
      expect(refused.status).toBe(401);
      expect((await refused.json()).message).toBe('access token refused: account disabled');
    });

    it('stops guessing on one username with 429 and Retry-After, even for the right password', async () => {
      await createAccount({ username: 'guessed', role: 'operator', policeZone: 'aalst' });
      for (let i = 0; i < 3; i++) expect((await login('guessed', `wrong guess ${i}`)).status).toBe(401);
      const res = await login('guessed', 'twelve chars or more');
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await res.json()).message).toMatch(/too many sign-in attempts/);
      // Another username from the same address is not affected by that username's limit.
      expect((await login('chief-admin', adminPassword)).status).toBe(200);
    });

    it('refuses a login without a password with 400 naming the field', async () => {
      const res = await call('POST', '/v1/auth/token', undefined, { username: 'piet' });
      expect(res.status).toBe(400);
      expect((await res.json()).errors).toEqual([{ field: 'password', code: 'required', reason: 'Required' }]);
    });
  });

  describe('accounts (admins only)', () => {
    it.each([
      ['without a token', undefined, 401],
      ['as an operator', bearer(), 403],
      ['as a supervisor', bearer({ role: 'supervisor' }), 403],
      ['as a board member', bearer({ role: 'board', policeZone: undefined, binIds: ['herdersem'] }), 403],
    ])('refuses account and audit endpoints %s', async (_who, authorization, status) => {
      const someone = randomUUID();
      const attempts = [
        call('GET', '/v1/accounts', authorization),
        call('POST', '/v1/accounts', authorization, { username: 'intruder', displayName: 'x', password: 'twelve chars or more', role: 'admin' }),
        call('PATCH', `/v1/accounts/${someone}`, authorization, { role: 'admin' }),
        call('POST', `/v1/accounts/${someone}/disable`, authorization),
        call('GET', '/v1/audit', authorization),
      ];
      expect((await Promise.all(attempts)).map((r) => r.status)).toEqual([status, status, status, status, status]);
      expect(await db.query(`SELECT 1 FROM staff_accounts WHERE username = 'intruder'`)).toEqual([]);
    });

    it.each([
      ['police without a zone', { role: 'operator' }, 'policeZone', 'required', 'required for role operator'],
      ['an unknown police zone', { role: 'operator', policeZone: 'atlantis' }, 'policeZone', 'unknown', "unknown police zone 'atlantis'; known: aalst"],
      ['a board member without BINs', { role: 'board' }, 'bins', 'too_small', 'at least one BIN for role board'],
      ['an unknown BIN', { role: 'board', bins: ['herdersem', 'atlantis'] }, 'bins[1]', 'unknown', "unknown BIN 'atlantis'"],
      ['a short password', { role: 'admin', password: 'short' }, 'password', 'too_small', 'at least 12 characters'],
      ['a bad username', { role: 'admin', username: 'a@b.be' }, 'username', 'bad_format', 'lower-case letters'],
      ['an unknown role', { role: 'root' }, 'role', 'not_one_of', "Invalid enum value. Expected 'operator' | 'supervisor' | 'board' | 'admin', received 'root'"],
    ])('refuses an account with %s: 400 naming the field and what is wrong, nothing written', async (_what, fields, field, code, reason) => {
      const before = await db.query(`SELECT (SELECT count(*) FROM staff_accounts)::int AS accounts, (SELECT count(*) FROM audit_log)::int AS audit`);
      const res = await call('POST', '/v1/accounts', adminToken, { username: 'newcomer', displayName: 'New', password: 'twelve chars or more', ...fields });
      expect(res.status).toBe(400);
      expect((await res.json()).errors).toContainEqual({ field, code, reason: expect.stringContaining(reason) });
      expect(await db.query(`SELECT (SELECT count(*) FROM staff_accounts)::int AS accounts, (SELECT count(*) FROM audit_log)::int AS audit`)).toEqual(before);
    });

    it('refuses a taken username with 409', async () => {
      await createAccount({ username: 'twin', role: 'admin' });
      const res = await call('POST', '/v1/accounts', adminToken, { username: 'TWIN', displayName: 'Other', password: 'twelve chars or more', role: 'admin' });
      expect(res.status).toBe(409);
      expect((await res.json()).message).toBe("username 'twin' is taken");
    });

    it('changes role and scope, audits before and after, and never shows the hash', async () => {
      const account = await createAccount({ username: 'moving', role: 'operator', policeZone: 'aalst' });
      const asOperator = `Bearer ${(await (await login('moving', 'twelve chars or more')).json()).accessToken}`;
      const refused = await call('PATCH', `/v1/accounts/${account.id}`, adminToken, { role: 'board', bins: ['moorsel'] });
      expect(refused.status).toBe(400);
      expect((await refused.json()).errors).toEqual([{ field: 'policeZone', code: 'not_expected', reason: 'not allowed for role board' }]);
      const res = await call('PATCH', `/v1/accounts/${account.id}`, adminToken, { role: 'board', bins: ['moorsel'], policeZone: null, password: 'a brand new passphrase' });
      expect(res.status).toBe(200);
      const changed = await res.json();
      expect(changed).toMatchObject({ role: 'board', policeZone: null, bins: ['moorsel'] });
      expect(JSON.stringify(changed)).not.toMatch(/argon2|password/);
      expect((await login('moving', 'a brand new passphrase')).status).toBe(200);
      // The operator token from before the change no longer works.
      const stale = await call('GET', `/v1/alerts/${randomUUID()}`, asOperator);
      expect(stale.status).toBe(401);
      expect((await stale.json()).message).toMatch(/role or scope changed since sign-in; sign in again/);
      const [row] = await auditRows('account.changed', account.id);
      expect(row.details).toEqual({
        before: { displayName: 'Someone', role: 'operator', policeZone: 'aalst', bins: [] },
        after: { displayName: 'Someone', role: 'board', policeZone: null, bins: ['moorsel'] },
        passwordChanged: true,
      });
      expect(JSON.stringify(row.details)).not.toContain('brand new');
      expect((await call('PATCH', `/v1/accounts/${randomUUID()}`, adminToken, { displayName: 'x' })).status).toBe(404);
      expect((await call('PATCH', `/v1/accounts/${account.id}`, adminToken, {})).status).toBe(400);
    });

    it('keeps at least one active admin', async () => {
      const admins: Array<{ id: string }> = await db.query(`SELECT id FROM staff_accounts WHERE role = 'admin' AND disabled_at IS NULL`);
      // Disable every admin but the one signed in, then try the last one.
      const me = (await db.query(`SELECT id FROM staff_accounts WHERE username = 'chief-admin'`))[0].id;
      for (const { id } of admins.filter((a) => a.id !== me)) expect((await call('POST', `/v1/accounts/${id}/disable`, adminToken)).status).toBe(200);
      const res = await call('POST', `/v1/accounts/${me}/disable`, adminToken);
      expect(res.status).toBe(409);
      expect((await call('PATCH', `/v1/accounts/${me}`, adminToken, { role: 'operator', policeZone: 'aalst' })).status).toBe(409);
    });
  });

  describe('scope on alert reads', () => {
    it('shows a board member of Herdersem its own alerts and hides Moorsel’s as if they did not exist', async () => {
      const account = await createAccount({ username: 'board-h', role: 'board', bins: ['herdersem'] });
      const board = `Bearer ${(await (await login('board-h', 'twelve chars or more')).json()).accessToken}`;
      const moorselOnly = await issueAlert(['moorsel']);
      const both = await issueAlert(['herdersem', 'moorsel']);
      const herdersem = await issueAlert(['herdersem']);

      const hidden = await call('GET', `/v1/alerts/${moorselOnly}`, board);
      expect(hidden.status).toBe(404);
      expect((await hidden.json()).message).toBe(`no alert with id ${moorselOnly}`);
      expect((await call('GET', `/v1/alerts/${both}`, board)).status).toBe(200);
      const own = await call('GET', `/v1/alerts/${herdersem}`, board);
      expect(own.status).toBe(200);
      expect((await own.json()).bins).toEqual(['herdersem']);
      expect(account.id).toBeTruthy();
    });

    it('hides an alert from the police of another zone and shows every alert to an admin', async () => {
      const id = await issueAlert(['moorsel']);
      expect((await call('GET', `/v1/alerts/${id}`, bearer({ policeZone: 'dendermonde' }))).status).toBe(404);
      expect((await call('GET', `/v1/alerts/${id}`, bearer({ role: 'supervisor' }))).status).toBe(200);
      expect((await call('GET', `/v1/alerts/${id}`, adminToken)).status).toBe(200);
    });
  });

  describe('tokens from the organisation’s identity provider (OIDC, JWKS)', () => {
    const operatorClaims = { sub: 'idp-user-42', realm_access: { roles: ['offline_access', 'operator'] }, police_zone: 'aalst' };

    it('accepts an RS256 token verified against the provider’s JWKS, with role and zone from its claims', async () => {
      const token = await idp.sign(operatorClaims);
      const id = await issueAlert(['herdersem'], `Bearer ${token}`);
      const [row] = await auditRows('alert.issued', id);
      expect(row).toMatchObject({ actor_account_id: 'idp-user-42', actor_role: 'operator' });
      expect((await call('GET', `/v1/accounts`, `Bearer ${token}`)).status).toBe(403);
    });

    it.each([
      ['from another issuer', () => idp.sign(operatorClaims, { issuer: 'https://evil.example' }), 'issuer not accepted'],
      ['for another audience', () => idp.sign(operatorClaims, { audience: 'someone-else' }), 'audience not accepted'],
      ['expired', () => idp.sign(operatorClaims, { expiresIn: '-1m' }), 'expired'],
      ['signed by a key the provider does not publish', async () => idp.sign(operatorClaims, { key: (await generateKeyPair('RS256')).privateKey }), 'bad signature'],
      [
        'without a staff role',
        () => idp.sign({ ...operatorClaims, realm_access: { roles: ['offline_access'] } }),
        'claim realm_access.roles: no role of operator, supervisor, board, admin',
      ],
    ])('refuses a provider token %s with 401', async (_what, make, reason) => {
      const res = await call('GET', `/v1/alerts/${randomUUID()}`, `Bearer ${await make()}`);
      expect(res.status).toBe(401);
      expect((await res.json()).message).toBe(`access token refused: ${reason}`);
    });
  });

  describe('GET /v1/audit', () => {
    it('finds the audit line of an alert by target, with who, from where and the correlation id', async () => {
      const res = await (fetch(`${url}/v1/alerts`, {
        method: 'POST',
        headers: { authorization: bearer({ accountId: 'op-7' }), 'content-type': 'application/json', 'x-correlation-id': 'corr-audit-1', 'user-agent': 'console/1.0' },
        body: JSON.stringify({ category: 'missing_person', bins: ['arend'], texts: { nl: { title: 'Vermist', body: 'Bel 0470 12 34 56 of mail tips@politie.example' } } }),
      }) as Promise<JsonResponse>);
      const { id } = await res.json();
      const page = await (await call('GET', `/v1/audit?targetType=alert&targetId=${id}`, adminToken)).json();
      expect(page.entries).toEqual([
        expect.objectContaining({
          actor: { accountId: 'op-7', role: 'operator' },
          action: 'alert.issued',
          target: { type: 'alert', id },
          details: {
            messageType: 'alert',
            kind: 'actual',
            references: null,
            category: 'missing_person',
            urgency: 'urgent',
            bins: ['arend'],
            redistributionAllowed: false,
            languages: ['nl'],
          },
          userAgent: 'console/1.0',
          correlationId: 'corr-audit-1',
        }),
      ]);
    });

    it('pages newest first with a cursor, and filters by action and period', async () => {
      const first = await (await call('GET', '/v1/audit?action=account.created&limit=2', adminToken)).json();
      expect(first.entries).toHaveLength(2);
      expect(first.entries.every((e: { action: string }) => e.action === 'account.created')).toBe(true);
      expect(Number(first.entries[0].id)).toBeGreaterThan(Number(first.entries[1].id));
      expect(first.links.next).toBe(`/v1/audit?action=account.created&limit=2&before=${first.nextCursor}`);
      const second = await (await call('GET', first.links.next, adminToken)).json();
      expect(Number(second.entries[0].id)).toBeLessThan(Number(first.entries[1].id));
      const future = await (await call('GET', '/v1/audit?from=2999-01-01T00:00:00Z', adminToken)).json();
      expect(future).toEqual({ entries: [], nextCursor: null, links: { next: null } });
    });

    it('refuses bad filters with 400 naming them', async () => {
      const res = await call('GET', '/v1/audit?from=yesterday&colour=red', adminToken);
      expect(res.status).toBe(400);
      const { errors } = await res.json();
      expect(errors).toEqual(
        expect.arrayContaining([
          { field: 'from', code: 'bad_format', reason: expect.stringContaining('ISO 8601') },
          { field: 'body', code: 'not_expected', reason: "Unrecognized key(s) in object: 'colour'" },
        ]),
      );
    });
  });

  describe('OpenAPI', () => {
    it('documents every route Nest registered in intake', async () => {
      const document = await (await call('GET', '/openapi.json')).json();
      expect(document.openapi).toBe('3.1.0');
      const registered = registeredRoutes(app);
      expect(registered.length).toBeGreaterThan(10);
      const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      );
      // A route missing here needs @ApiDoc on its handler.
      expect(registered.filter((r) => !documented.includes(r))).toEqual([]);
      expect(documented.filter((d) => !registered.includes(d))).toEqual([]);
    });

    it('describes bodies from the zod schemas, errors, bearer security and public routes', async () => {
      const document = await (await call('GET', '/openapi.json')).json();
      const issue = document.paths['/v1/alerts'].post;
      expect(issue.requestBody.content['application/json'].schema).toMatchObject({ type: 'object', required: ['category', 'bins', 'texts'], additionalProperties: false });
      expect(issue.responses['400'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
      expect(issue.responses['401']).toBeDefined();
      expect(issue['x-roles']).toEqual(['operator', 'supervisor']);
      expect(document.security).toEqual([{ bearer: [] }]);
      expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(document.paths['/v1/auth/token'].post.security).toEqual([]);
      expect(document.paths['/v1/auth/token'].post.responses['429'].headers['Retry-After']).toBeDefined();
      expect(document.paths['/v1/bins'].get.security).toEqual([]);
      expect(document.paths['/v1/audit'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['action', 'actor', 'from', 'to', 'before', 'limit']));
      expect(document.paths['/v1/accounts/{id}'].patch.parameters[0]).toMatchObject({ name: 'id', in: 'path', schema: { type: 'string', format: 'uuid' } });
    });

    it('serves the documentation page and its assets from node_modules, without a token', async () => {
      const page = await fetch(`${url}/docs`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/docs/swagger-ui-bundle.js');
      const bundle = await fetch(`${url}/docs/swagger-ui-bundle.js`);
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get('content-type')).toMatch(/javascript/);
      expect((await fetch(`${url}/docs/package.json`)).status).toBe(404);
      expect((await fetch(`${url}/docs/initializer.js`)).status).toBe(200);
    });
  });
});

/** The tests read answers loosely: the assertions say what the body must hold. */
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> };

/** "METHOD /path/{param}" for every route the HTTP server routes to a handler. */
function registeredRoutes(app: INestApplication): string[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } };
  return (
    express.router.stack
      // Nest mounts app-wide middleware (request context, metrics) as a catch-all route: not an endpoint.
      .filter((layer) => layer.route && layer.route.path !== '/{*path}')
      .flatMap((layer) =>
        Object.keys(layer.route!.methods)
          .filter((m) => m !== '_all')
          .map((m) => `${m.toUpperCase()} ${layer.route!.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`),
      )
  );
}
