import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { openDataSource } from '@bin-alert/persistence';
import { testConfig } from '../../../../bench/src/support/test-config';
import { startIntake } from '../start-intake';
import { asAalstOperator, bearer } from '../../../../test/support/access-tokens';

/** Intake against the real PostgreSQL and Kafka: bad input is refused whole, good input lands whole. */
describe('POST /v1/alerts', () => {
  let app: INestApplication;
  let url: string;
  let db: DataSource;

  beforeAll(async () => {
    const config = testConfig();
    app = await startIntake(config, 0);
    url = await app.getUrl();
    db = await openDataSource(config.DATABASE_URL, 2);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await db?.destroy();
  });

  const rowCounts = async () => {
    const [row] = await db.query(
      `SELECT (SELECT count(*) FROM alerts)::int AS alerts, (SELECT count(*) FROM alert_bins)::int AS bins, (SELECT count(*) FROM outbox)::int AS outbox, (SELECT count(*) FROM audit_log WHERE action = 'alert.issued')::int AS audit`,
    );
    return row;
  };
  const post = (body: string, contentType = 'application/json', authorization = bearer()) =>
    fetch(`${url}/v1/alerts`, { method: 'POST', headers: { 'content-type': contentType, authorization }, body });
  const get = (path: string) => fetch(`${url}${path}`, { headers: asAalstOperator() });

  const valid = {
    category: 'burglary',
    bins: ['herdersem', 'moorsel'],
    texts: { nl: { title: 'Inbraakgolf', body: 'Sluit ramen en deuren.' } },
  };

  it.each([
    ['an unknown BIN', { ...valid, bins: ['herdersem', 'atlantis'] }, 'bins[1]', 'unknown', "unknown BIN 'atlantis'"],
    ['no text at all', { ...valid, texts: {} }, 'texts', 'invalid', 'text in at least one language (nl, fr, de, en)'],
    ['an empty body text', { ...valid, texts: { nl: { title: 'x', body: '  ' } } }, 'texts.nl.body', 'required', 'required'],
    ['an unknown language', { ...valid, texts: { es: { title: 'x', body: 'y' } } }, 'texts', 'not_expected', "Unrecognized key(s) in object: 'es'"],
    ['an unknown category', { ...valid, category: 'ufo' }, 'category', 'unknown', "unknown category 'ufo'"],
    ['no BINs', { ...valid, bins: [] }, 'bins', 'too_small', 'at least one BIN'],
    ['a BIN twice', { ...valid, bins: ['moorsel', 'moorsel'] }, 'bins', 'invalid', 'each BIN once'],
    ['a bad urgency', { ...valid, urgency: 'very' }, 'urgency', 'not_one_of', "Invalid enum value. Expected 'urgent' | 'normal', received 'very'"],
    ['a misspelt field', { ...valid, redistribution: true }, 'body', 'not_expected', "Unrecognized key(s) in object: 'redistribution'"],
  ])('refuses %s with 400 naming the field and what is wrong, and writes nothing', async (_, body, field, code, reason) => {
    const before = await rowCounts();
    const res = await post(JSON.stringify(body));
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { errors: Array<{ field: string; code: string; reason: string }>; correlationId: string };
    expect(answer.errors).toContainEqual({ field, code, reason: expect.stringContaining(reason) });
    expect(answer.correlationId).toBeTruthy();
    expect(await rowCounts()).toEqual(before);
  });

  it.each([
    ['without a token', '', 401, 'a bearer token is required'],
    ['with a forged token', bearer().replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), 401, 'access token refused: bad signature'],
    ['from a board member', bearer({ role: 'board', binIds: ['herdersem', 'moorsel'] }), 403, 'role board may not do this'],
    ['from an admin', bearer({ role: 'admin' }), 403, 'role admin may not do this'],
    ['from the police of another zone', bearer({ policeZone: 'dendermonde' }), 403, 'not in your police zone: herdersem, moorsel'],
  ])('refuses an alert sent %s, and writes nothing', async (_, authorization, status, message) => {
    const before = await rowCounts();
    const res = await post(JSON.stringify(valid), 'application/json', authorization);
    expect(res.status).toBe(status);
    expect(JSON.stringify(await res.json())).toContain(message);
    expect(await rowCounts()).toEqual(before);
  });

  it('lets a supervisor of the zone send', async () => {
    expect((await post(JSON.stringify(valid), 'application/json', bearer({ role: 'supervisor' }))).status).toBe(201);
  });

  it('shows an alert only to a caller with a token', async () => {
    expect((await fetch(`${url}/v1/alerts/1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b`)).status).toBe(401);
  });

  it('refuses malformed JSON with 400 on the body', async () => {
    const before = await rowCounts();
    const res = await post('{"category": "burglary", ');
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errors).toEqual([{ field: 'body', code: 'unreadable', reason: 'malformed JSON' }]);
    expect(await rowCounts()).toEqual(before);
  });

  it('stores alert, BINs and outbox record together and answers 201 with the id', async () => {
    const before = await rowCounts();
    const res = await post(JSON.stringify(valid));
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    expect(res.headers.get('location')).toBe(`/v1/alerts/${id}`);
    expect(await rowCounts()).toEqual({ alerts: before.alerts + 1, bins: before.bins + 2, outbox: before.outbox + 1, audit: before.audit + 1 });

    const alert = (await (await get(`/v1/alerts/${id}`)).json()) as any;
    expect(alert).toMatchObject({ id, category: 'burglary', urgency: 'normal', redistributionAllowed: true, bins: ['herdersem', 'moorsel'] });
  });

  it('defaults urgent alerts to "do not share" unless the police allow it', async () => {
    const res = await post(JSON.stringify({ ...valid, category: 'missing_person' }));
    const { id } = (await res.json()) as { id: string };
    const alert = (await (await get(`/v1/alerts/${id}`)).json()) as any;
    expect(alert).toMatchObject({ urgency: 'urgent', redistributionAllowed: false });
  });

  it('answers 404 for an unknown alert and 400 for an id that is not one', async () => {
    expect((await get(`/v1/alerts/1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b`)).status).toBe(404);
    expect((await get(`/v1/alerts/not-an-id`)).status).toBe(400);
  });

  it('lists the 14 BINs of zone Aalst and the categories', async () => {
    const { bins } = (await (await fetch(`${url}/v1/bins`)).json()) as { bins: Array<{ id: string; kind: string }> };
    expect(bins).toHaveLength(14);
    expect(bins.find((b) => b.id === 'aalst-zuid')?.kind).toBe('BINZ');
    const { categories } = (await (await fetch(`${url}/v1/categories`)).json()) as { categories: Array<{ code: string; rule: string }> };
    expect(categories.find((c) => c.code === 'covid')?.rule).toBe('opt_in');
    expect(categories.find((c) => c.code === 'missing_person')?.rule).toBe('mandatory');
  });
});
