import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { MemberRepository, openDataSource } from '@bin-alert/persistence';
import { asAalstOperator } from '../support/access-tokens';
import { freePort } from '../../bench/src/support/free-port';
import { residents } from '../support/residents';
import { waitFor } from '../../bench/src/support/wait-for';

const ROOT = path.join(__dirname, '..', '..');
const ENTRY = path.join(ROOT, 'dist/apps/standalone/src/main.js');

interface Running {
  child: ChildProcess;
  output: () => string;
  ready: Promise<string>;
}

/**
 * Standalone mode as a person runs it: `node dist/apps/standalone/src/main.js` (what `npm start`
 * runs when no server address is configured), with DATABASE_URL, REDIS_URL and KAFKA_BROKERS
 * pointing at ports where nothing listens, so that anything still reaching for a server fails.
 * One alert through intake's HTTP API must reach a member's phone, inbox and landline at the
 * simulator; after Ctrl-C and a restart on the same data directory, the alert is still there.
 */
describe('standalone mode (one process, no servers)', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let intake: string;
  let sim: string;
  let running: Running | null = null;

  beforeAll(async () => {
    if (!existsSync(ENTRY)) throw new Error(`${ENTRY} is missing: run \`npm run build\` first (npm test does)`);
    dataDir = mkdtempSync(path.join(tmpdir(), 'bin-alert-standalone-'));
    const [intakePort, simPort, trackerPort, sms, email, voice] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
    intake = `http://127.0.0.1:${intakePort}`;
    sim = `http://127.0.0.1:${simPort}`;
    env = {
      ...process.env,
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing',
      REDIS_URL: 'redis://127.0.0.1:1',
      KAFKA_BROKERS: '127.0.0.1:1',
      INTAKE_PORT: String(intakePort),
      SIM_PORT: String(simPort),
      TRACKER_PORT: String(trackerPort),
      TRACKER_PUBLIC_URL: `http://127.0.0.1:${trackerPort}`,
      DISPATCHER_SMS_PORT: String(sms),
      DISPATCHER_EMAIL_PORT: String(email),
      DISPATCHER_VOICE_PORT: String(voice),
      STANDALONE_DATA_DIR: dataDir,
      STANDALONE_DEMO_MEMBERS: '600',
      LOG_LEVEL: 'warn',
    };
  });

  afterEach(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGKILL');
      await new Promise((r) => running!.child.once('exit', r));
    }
    running = null;
  });

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  function start(overrides: Record<string, string> = {}): Running {
    const child = spawn(process.execPath, [ENTRY], { cwd: ROOT, env: { ...env, ...overrides }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const ready = new Promise<string>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n').find((l) => l.includes('BIN Alert is up'));
        if (line) resolve(line);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`standalone exited with ${code} before it was ready:\n${out}`)));
    });
    running = { child, output: () => out, ready };
    return running;
  }

  /** Ctrl-C: every app and the database close, and the process ends by itself with 0. */
  async function interrupt(r: Running): Promise<void> {
    const exited = new Promise<number | null>((resolve) => r.child.once('exit', (code) => resolve(code)));
    r.child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(r.output()).toContain('[standalone] stopped');
  }

  const inbox = async (to: string) =>
    (
      (await (await fetch(`${sim}/__sim/inbox?to=${encodeURIComponent(to)}`)).json()) as {
        messages: Array<{ channel: string; body?: string; subject?: string; said?: Array<{ text: string }> }>;
      }
    ).messages;

  it('delivers an alert issued over HTTP by SMS, e-mail and voice, and keeps it across a restart', async () => {
    const first = start();
    const readyLine = await first.ready;
    expect(readyLine).toContain(intake);
    expect(readyLine).toContain(`${sim}/__sim/phones`);
    const ready = await (await fetch(`${intake}/health/ready`)).json();
    expect(ready).toEqual({ status: 'ok', checks: { postgres: 'ok', memory: 'ok', 'in-process-bus': 'ok' } });

    // The README's demo operator signs in.
    const signIn = await fetch(`${intake}/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'operator', password: 'bin-alert-demo' }),
    });
    expect(signIn.status).toBe(200);
    const operator = { authorization: `Bearer ${((await signIn.json()) as { accessToken: string }).accessToken}` };

    // Demo member 56 lives in Gijzegem, reads Dutch, and has a verified mobile, e-mail and landline.
    const res = await fetch(`${intake}/v1/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...operator },
      body: JSON.stringify({
        category: 'missing_person',
        urgency: 'urgent',
        bins: ['gijzegem'],
        redistributionAllowed: true,
        texts: { nl: { title: 'Vermiste jongen', body: 'Lucas (8) draagt een rode jas. Bel 101.' } },
      }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };

    const sms = await waitFor(
      () => inbox('+32470000056'),
      (m) => m.length > 0,
      { what: 'the SMS on member 56’s phone' },
    );
    expect(sms[0]).toMatchObject({ channel: 'sms', body: expect.stringContaining('Lucas (8) draagt een rode jas') });
    const mail = await waitFor(
      () => inbox('member56@example.be'),
      (m) => m.length > 0,
      { what: 'the e-mail in member 56’s inbox' },
    );
    expect(mail[0]).toMatchObject({ channel: 'email', subject: expect.stringContaining('Vermiste jongen') });
    const call = await waitFor(
      () => inbox('+3253000056'),
      (m) => m.length > 0 && (m[0].said?.length ?? 0) > 0,
      { what: 'the call to member 56’s landline' },
    );
    expect(call[0].said!.map((s) => s.text).join(' ')).toContain('Lucas (8) draagt een rode jas');

    // The providers' callbacks come back through the tracker, which applies them and publishes them on the in-process bus.
    const delivered = await waitFor(
      async () =>
        (await (await fetch(`${intake}/v1/alerts/${id}`, { headers: operator })).json()) as { deliveries: Record<string, { total: number; byStatus: Record<string, number> }> },
      (a) => (a.deliveries?.sms?.byStatus.delivered ?? 0) > 0 && (a.deliveries?.email?.byStatus.delivered ?? 0) > 0,
      { what: 'delivered statuses from the providers’ callbacks', timeoutMs: 60_000 },
    );
    const phones = await fetch(`${sim}/__sim/phones`);
    expect(phones.headers.get('content-type')).toContain('text/html');
    expect(await phones.text()).toContain('Simulated phones and inboxes');
    await interrupt(first);

    const second = start();
    await second.ready;
    const again = await fetch(`${intake}/v1/alerts/${id}`, { headers: asAalstOperator() });
    expect(again.status).toBe(200);
    const kept = (await again.json()) as { deliveries: Record<string, { total: number }> };
    expect(kept.deliveries.sms.total).toBe(delivered.deliveries.sms.total);
    // The demo members are seeded once: the restart found them and added none.
    expect(second.output()).not.toContain('seeded demo members');
    await interrupt(second);
  });

  it('sends an urgent alert before the backlog of a large normal one, as in distributed mode', async () => {
    // The fan-out test of the real stack (libs/dispatch/src/fan-out.int-spec.ts), on standalone mode:
    // 1500 SMS at 150 per second keep the normal lane busy for about ten seconds.
    const run = start({ STANDALONE_FRESH: 'true', STANDALONE_DEMO_MEMBERS: '0', TWILIO_MESSAGES_PER_SECOND: '150' });
    const line = await run.ready;
    const db: DataSource = await openDataSource(/database (\S+)/.exec(line)![1], 2);
    try {
      await new MemberRepository(db).registerMany(residents('mijlbeek', 1500, 2_000_000));
      await new MemberRepository(db).registerMany(residents('watertoren', 5, 3_000_000));
      const issue = async (body: object) => {
        const res = await fetch(`${intake}/v1/alerts`, { method: 'POST', headers: { 'content-type': 'application/json', ...asAalstOperator() }, body: JSON.stringify(body) });
        expect(res.status).toBe(201);
        return ((await res.json()) as { id: string }).id;
      };
      const accepted = async (alertId: string): Promise<number> =>
        (await db.query(`SELECT count(*)::int AS n FROM deliveries WHERE alert_id = $1 AND channel = 'sms' AND accepted_at IS NOT NULL`, [alertId]))[0].n;

      const campaign = await issue({ category: 'prevention', bins: ['mijlbeek'], texts: { nl: { title: 'Preventieactie', body: 'Infoavond over inbraakpreventie.' } } });
      await waitFor(
        () => accepted(campaign),
        (n) => n >= 100,
        { what: 'the campaign to be under way' },
      );
      const missingChild = await issue({ category: 'missing_person', bins: ['watertoren'], texts: { nl: { title: 'Vermist meisje', body: 'Emma (6), roze jas. Bel 101.' } } });
      await waitFor(
        () => accepted(missingChild),
        (n) => n === 5,
        { timeoutMs: 60_000, what: 'the urgent alert accepted' },
      );
      expect(await accepted(campaign)).toBeLessThan(1500);

      await waitFor(
        () => accepted(campaign),
        (n) => n === 1500,
        { timeoutMs: 90_000, what: 'the campaign to finish' },
      );
      const sent = ((await (await fetch(`${sim}/__sim/messages?channel=sms`)).json()) as { messages: Array<{ to: string }> }).messages;
      expect(sent).toHaveLength(1505);
      expect(new Set(sent.map((m) => m.to)).size).toBe(1505);
    } finally {
      await db.destroy();
    }
    await interrupt(run);
  });
});
