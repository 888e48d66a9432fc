import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { MIGRATIONS, migrate, openDataSource } from '@bin-alert/persistence';

const ROOT = path.join(__dirname, '..', '..');
const SERVE = path.join(ROOT, 'dist/libs/persistence/src/cli/embedded-postgres.js');

/**
 * The embedded database in a child process, as standalone mode runs it: PGlite loads its
 * WebAssembly with dynamic imports, which jest's module VM does not allow.
 */
async function serve(dataDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  if (!existsSync(SERVE)) throw new Error(`${SERVE} is missing: run \`npm run build\` first (npm test does)`);
  const child: ChildProcess = spawn(process.execPath, [SERVE, `--data-dir=${dataDir}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /ready (\S+)/.exec(out);
      if (ready) resolve(ready[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`embedded PostgreSQL exited with ${code}: ${out}`)));
  });
  return {
    url,
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    },
  };
}

/** The frontend side of the PostgreSQL wire protocol, by hand, to send a query's messages in two writes. */
class WireClient {
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | null = null;
  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiting?.();
    });
  }

  static async open(url: string): Promise<WireClient> {
    const { port } = new URL(url);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const client = new WireClient(socket);
    const params = Buffer.from('user\0postgres\0database\0postgres\0\0');
    const startup = Buffer.alloc(8);
    startup.writeInt32BE(8 + params.length);
    startup.writeInt32BE(196608, 4);
    socket.write(Buffer.concat([startup, params]));
    await client.untilReady();
    return client;
  }

  parse(sql: string): Buffer {
    return message('P', Buffer.concat([cstring(''), cstring(sql), int16(0)]));
  }

  bindExecuteSync(values: string[]): Buffer {
    const params = values.map((v) => Buffer.concat([int32(Buffer.byteLength(v)), Buffer.from(v)]));
    const bind = message('B', Buffer.concat([cstring(''), cstring(''), int16(0), int16(values.length), ...params, int16(0)]));
    return Buffer.concat([bind, message('E', Buffer.concat([cstring(''), int32(0)])), message('S', Buffer.alloc(0))]);
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Reads up to ReadyForQuery: the first column of each row, or the error. */
  async untilReady(): Promise<{ rows: string[]; error?: string }> {
    const rows: string[] = [];
    let error: string | undefined;
    for (;;) {
      while (this.buffer.length >= 5 && this.buffer.length >= 1 + this.buffer.readInt32BE(1)) {
        const type = String.fromCharCode(this.buffer[0]);
        const body = this.buffer.subarray(5, 1 + this.buffer.readInt32BE(1));
        this.buffer = this.buffer.subarray(1 + this.buffer.readInt32BE(1));
        if (type === 'D') rows.push(body.subarray(6, 6 + body.readInt32BE(2)).toString());
        if (type === 'E')
          error = body
            .toString()
            .split('\0')
            .find((f) => f.startsWith('M'))
            ?.slice(1);
        if (type === 'Z') return { rows, error };
      }
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  close(): void {
    this.socket.end(message('X', Buffer.alloc(0)));
  }
}

const int16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const cstring = (s: string) => Buffer.from(`${s}\0`);
const message = (type: string, body: Buffer) => Buffer.concat([Buffer.from(type), int32(body.length + 4), body]);

describe('embedded PostgreSQL (PGlite behind a loopback socket)', () => {
  let dir: string;
  let pg: { url: string; stop(): Promise<void> };
  let db: DataSource;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'bin-alert-pglite-'));
    pg = await serve(path.join(dir, 'pgdata'));
    db = await openDataSource(pg.url, 5);
  });

  afterAll(async () => {
    await db?.destroy();
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the project’s migrations, and what the repositories use works on it', async () => {
    expect(await migrate(db)).toHaveLength(MIGRATIONS.length);
    expect(await migrate(db)).toEqual([]);
    expect((await db.query(`SELECT count(*)::int AS n FROM bins`))[0].n).toBe(14);
    const [row] = await db.query(`SELECT gen_random_uuid() AS id, pg_try_advisory_lock(42) AS locked, '{"a":1}'::jsonb -> 'a' AS a`);
    expect(row).toMatchObject({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), locked: true, a: 1 });
    await db.transaction(async (tx) => {
      expect(await tx.query(`SELECT id FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 10 FOR UPDATE SKIP LOCKED`)).toEqual([]);
    });
  });

  it('keeps one connection’s Parse and its Bind together while another connection runs a query in between', async () => {
    const slow = await WireClient.open(pg.url);
    const quick = await WireClient.open(pg.url);
    try {
      // The Parse arrives alone; before the rest, another connection parses its own unnamed statement.
      slow.write(slow.parse('SELECT $1::int + 1'));
      await new Promise((r) => setTimeout(r, 50));
      quick.write(Buffer.concat([quick.parse(`SELECT $1::text || $2::text`), quick.bindExecuteSync(['a', 'b'])]));
      expect(await quick.untilReady()).toEqual({ rows: ['ab'], error: undefined });
      slow.write(slow.bindExecuteSync(['41']));
      expect(await slow.untilReady()).toEqual({ rows: ['42'], error: undefined });
    } finally {
      slow.close();
      quick.close();
    }
  });

  it('gives a connection with an open transaction the session to itself until it ends', async () => {
    const a = new Client({ connectionString: pg.url });
    const b = new Client({ connectionString: pg.url });
    await Promise.all([a.connect(), b.connect()]);
    try {
      await a.query(`CREATE TABLE IF NOT EXISTS probe (n int)`);
      await a.query('BEGIN');
      await a.query(`INSERT INTO probe VALUES (1)`);
      let answered = false;
      const other = b.query(`SELECT count(*)::int AS n FROM probe`).then((r) => {
        answered = true;
        return r.rows[0].n;
      });
      await new Promise((r) => setTimeout(r, 100));
      // On one shared session b would have run inside a's transaction and seen its row.
      expect(answered).toBe(false);
      await a.query('ROLLBACK');
      expect(await other).toBe(0);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
  });

  it('keeps its data across a restart on the same directory', async () => {
    await db.query(`INSERT INTO categories (code, name, rule, default_urgency) VALUES ('probe', 'Probe', 'opt_out', 'normal') ON CONFLICT DO NOTHING`);
    await db.destroy();
    await pg.stop();
    pg = await serve(path.join(dir, 'pgdata'));
    db = await openDataSource(pg.url, 5);
    expect(await db.query(`SELECT code FROM categories WHERE code = 'probe'`)).toEqual([{ code: 'probe' }]);
    expect(await migrate(db)).toEqual([]);
  });
});
