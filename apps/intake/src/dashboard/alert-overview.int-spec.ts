import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { testConfig } from '../../../../bench/src/support/test-config';
import { bearer } from '../../../../test/support/access-tokens';
import { resetDatabase } from '../../../../test/support/reset-infrastructure';
import { startIntake } from '../start-intake';

/** The console's reads: the alert list (scoped, paged), the dashboard, its event stream, the ops page. */
describe('alert overview, dashboard and ops endpoints', () => {
  let app: INestApplication;
  let url: string;
  const ids: string[] = [];

  const get = (path: string, authorization?: string) => fetch(`${url}${path}`, { headers: authorization ? { authorization } : {} });
  const issue = async (title: string) => {
    const res = await fetch(`${url}/v1/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: bearer() },
      body: JSON.stringify({ category: 'burglary', bins: ['herdersem'], texts: { nl: { title, body: 'Sluit ramen en deuren.' } } }),
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };

  beforeAll(async () => {
    const config = testConfig();
    await resetDatabase(config.DATABASE_URL);
    app = await startIntake(config, 0);
    url = await app.getUrl();
    for (const title of ['first', 'second', 'third']) ids.push(await issue(title));
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  it("lists the zone's alerts newest first, a page at a time, without repeating or skipping one", async () => {
    const first = await get('/v1/alerts?limit=2', bearer());
    expect(first.status).toBe(200);
    const page1 = (await first.json()) as { alerts: Array<{ id: string; title: string; bins: string[]; channels: object }>; next: string };
    expect(page1.alerts.map((a) => a.title)).toEqual(['third', 'second']);
    expect(page1.alerts[0]).toMatchObject({ bins: ['herdersem'], urgency: 'normal', category: 'burglary', channels: {} });
    expect(page1.next).toEqual(expect.any(String));
    // An alert issued meanwhile does not shift the next page.
    await issue('fourth');
    const page2 = (await (await get(`/v1/alerts?limit=2&before=${page1.next}`, bearer())).json()) as { alerts: Array<{ title: string }>; next: string | null };
    expect(page2.alerts.map((a) => a.title)).toEqual(['first']);
    expect(page2.next).toBeNull();
  });

  it('shows another zone nothing, and an admin everything', async () => {
    const other = (await (await get('/v1/alerts', bearer({ policeZone: 'dendermonde' }))).json()) as { alerts: unknown[] };
    expect(other.alerts).toEqual([]);
    const admin = (await (await get('/v1/alerts', bearer({ role: 'admin', policeZone: undefined }))).json()) as { alerts: unknown[] };
    expect(admin.alerts).toHaveLength(4);
    expect((await get('/v1/alerts')).status).toBe(401);
  });

  it("lists only the alerts in a given state, however far down: a supervisor's approval queue", async () => {
    const draft = await fetch(`${url}/v1/alerts/drafts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: bearer() },
      body: JSON.stringify({ category: 'prevention', bins: ['herdersem'], texts: { nl: { title: 'ontwerp', body: 'b' } } }),
    });
    expect(draft.status).toBe(201);
    const draftId = ((await draft.json()) as { id: string }).id;
    const drafts = (await (await get('/v1/alerts?state=draft', bearer())).json()) as { alerts: Array<{ id: string; status: string }> };
    expect(drafts.alerts.map((a) => a.id)).toEqual([draftId]);
    expect((await (await get('/v1/alerts?state=awaiting_approval', bearer())).json()) as { alerts: unknown[] }).toEqual({ alerts: [], next: null });
    const bad = await get('/v1/alerts?state=pending', bearer());
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual(['state']);
  });

  it('answers 400 naming the field for a bad limit or cursor', async () => {
    const res = await get('/v1/alerts?limit=500&before=nonsense', bearer());
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ field: string; reason: string }> };
    expect(body.errors.map((e) => e.field).sort()).toEqual(['before', 'limit']);
  });

  it("gives the dashboard to the alert's zone and a 404 to others", async () => {
    const res = await get(`/v1/alerts/${ids[0]}/dashboard`, bearer());
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ alert: { id: ids[0], bins: ['herdersem'] }, channels: {} });
    expect((await get(`/v1/alerts/${ids[0]}/dashboard`, bearer({ policeZone: 'dendermonde' }))).status).toBe(404);
  });

  it('streams the dashboard as Server-Sent Events to a bearer of a token, read with fetch', async () => {
    expect((await get(`/v1/alerts/${ids[0]}/events`)).status).toBe(401);
    expect((await get(`/v1/alerts/${ids[0]}/events`, bearer({ policeZone: 'dendermonde' }))).status).toBe(404);
    const abort = new AbortController();
    const res = await fetch(`${url}/v1/alerts/${ids[0]}/events`, { headers: { authorization: bearer() }, signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('event: dashboard\ndata: ')) text += new TextDecoder().decode((await reader.read()).value);
    while (!text.endsWith('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    const data = JSON.parse(text.split('event: dashboard\ndata: ')[1].split('\n')[0]) as { alert: { id: string } };
    expect(data.alert.id).toBe(ids[0]);
    abort.abort();
  });

  it('shows the ops page to supervisors and admins only', async () => {
    expect((await get('/v1/ops', bearer())).status).toBe(403);
    const res = await get('/v1/ops', bearer({ role: 'supervisor' }));
    expect(res.status).toBe(200);
    const status = (await res.json()) as { consumerGroups: unknown; deadLetters: unknown; rateLimits: unknown };
    // (fetch's JSON arrays come from another realm than the test's, so no expect.any(Array))
    expect(Array.isArray(status.consumerGroups) && Array.isArray(status.rateLimits)).toBe(true);
    expect(status.deadLetters).toEqual({ topic: 'bin.dead-letters.v1', records: expect.any(Number) });
  });

  it('lists each alert with its status as it reads now, its kind and what it follows up', async () => {
    const res = await fetch(`${url}/v1/alerts/${ids[0]}/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: bearer() },
      body: JSON.stringify({ texts: { nl: { title: 'Opgelost', body: 'De daders zijn gevat.' } } }),
    });
    expect(res.status).toBe(201);
    const cancelId = ((await res.json()) as { id: string }).id;
    const { alerts } = (await (await get('/v1/alerts?limit=100', bearer())).json()) as { alerts: Array<{ id: string }> };
    // The original was stored as issued; it reads as cancelled now.
    expect(alerts.find((a) => a.id === ids[0])).toMatchObject({ status: 'cancelled', kind: 'actual', messageType: 'alert', references: null });
    expect(alerts.find((a) => a.id === ids[1])).toMatchObject({ status: 'issued', kind: 'actual' });
    expect(alerts.find((a) => a.id === cancelId)).toMatchObject({ status: 'issued', kind: 'actual', messageType: 'cancel', references: ids[0], title: 'Opgelost' });
    const dashboard = (await (await get(`/v1/alerts/${cancelId}/dashboard`, bearer())).json()) as { alert: object };
    expect(dashboard.alert).toMatchObject({ messageType: 'cancel', references: ids[0], createdBy: expect.any(String) });
  });
});
