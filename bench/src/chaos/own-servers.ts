import { spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import Redis from 'ioredis';
import { sleep } from '../processes';

/**
 * The servers the chaos suite restarts are its own: a PostgreSQL, a Redis and Kafka on ports
 * and data directories nobody else uses, so that stopping them never disturbs a test run or a
 * benchmark on the shared ones (127.0.0.1:5432, 6379, 9092).
 */

/** Runs a command to its end, its output kept for the error; never blocks the event loop (the runner polls meanwhile). */
export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${out.trim().split('\n').slice(-15).join('\n')}`))));
  });
}

/** PostgreSQL of the chaos run: Debian's binaries, a data directory under .local/chaos. */
export class OwnPostgres {
  private readonly bin: string;
  private readonly dataDir: string;
  private readonly logFile: string;

  constructor(
    root: string,
    readonly port: number,
  ) {
    const versions = existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .filter((v) => /^\d+$/.test(v))
          .sort((a, b) => Number(a) - Number(b))
      : [];
    if (!versions.length) throw new Error('no PostgreSQL binaries under /usr/lib/postgresql (apt-get install postgresql)');
    this.bin = `/usr/lib/postgresql/${versions[versions.length - 1]}/bin`;
    this.dataDir = join(root, '.local/chaos/postgres');
    this.logFile = join(root, '.local/chaos/postgres.log');
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  /** PostgreSQL refuses to run as root: as root, its tools run as the postgres user. */
  private tool(name: string, args: string[]): Promise<string> {
    return userInfo().uid === 0 ? run('runuser', ['-u', 'postgres', '--', join(this.bin, name), ...args]) : run(join(this.bin, name), args);
  }

  async start(): Promise<void> {
    if (!existsSync(join(this.dataDir, 'PG_VERSION'))) {
      rmSync(this.dataDir, { recursive: true, force: true });
      // The parents with the default mode (the postgres user must pass through them), the data directory private.
      mkdirSync(dirname(this.dataDir), { recursive: true });
      mkdirSync(this.dataDir, { mode: 0o700 });
      if (userInfo().uid === 0) {
        const { uid, gid } = postgresUser();
        chownSync(this.dataDir, uid, gid);
      }
      await this.tool('initdb', ['-D', this.dataDir, '-U', 'postgres', '--auth=trust', '--no-instructions', '-E', 'UTF8', '--locale=C']);
    }
    if (await this.running()) return;
    if (userInfo().uid === 0) {
      const { uid, gid } = postgresUser();
      mkdirSync(dirname(this.logFile), { recursive: true });
      await run('touch', [this.logFile]);
      chownSync(this.logFile, uid, gid);
    }
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${this.dataDir} -c max_connections=200`;
    await this.tool('pg_ctl', ['-D', this.dataDir, '-l', this.logFile, '-o', options, '-w', '-t', '60', 'start']);
  }

  private running(): Promise<boolean> {
    return this.tool('pg_ctl', ['-D', this.dataDir, 'status']).then(
      () => true,
      () => false,
    );
  }

  /** A fast restart: every connection is cut, the server comes back with its data. */
  async restart(): Promise<void> {
    await this.tool('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', '-t', '60', 'restart']);
  }

  async stop(): Promise<void> {
    if (await this.running()) await this.tool('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
  }
}

function postgresUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('no postgres user on this machine (apt-get install postgresql creates it)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Redis of the chaos run: no persistence, like the shared one, so a stop loses every key. */
export class OwnRedis {
  private readonly dir: string;

  constructor(
    root: string,
    readonly port: number,
  ) {
    this.dir = join(root, '.local/chaos/redis');
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private pid(): number | null {
    try {
      const pid = Number(readFileSync(join(this.dir, 'redis.pid'), 'utf8').trim());
      process.kill(pid, 0);
      return pid;
    } catch {
      return null;
    }
  }

  async start(): Promise<void> {
    if (this.pid() !== null) return;
    mkdirSync(this.dir, { recursive: true });
    await run('redis-server', [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'yes',
      '--pidfile',
      join(this.dir, 'redis.pid'),
      '--dir',
      this.dir,
      '--logfile',
      join(this.dir, 'redis.log'),
    ]);
    const deadline = Date.now() + 20_000;
    while (!(await this.ping())) {
      if (Date.now() > deadline) throw new Error(`the chaos Redis on ${this.port} does not answer PING (see ${this.dir}/redis.log)`);
      await sleep(100);
    }
  }

  async stop(): Promise<void> {
    const pid = this.pid();
    if (pid === null) return;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 15_000;
    while (this.pid() !== null && Date.now() < deadline) await sleep(50);
    if (this.pid() !== null) process.kill(pid, 'SIGKILL');
  }

  async flushAll(): Promise<void> {
    const redis = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    try {
      await redis.flushall();
    } finally {
      redis.disconnect();
    }
  }

  private async ping(): Promise<boolean> {
    const redis = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await redis.connect();
      return (await redis.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      redis.disconnect();
    }
  }
}

/** Kafka through deploy/local/kafka-cluster.sh: one broker of the run's own, or the three-broker cluster. */
export class OwnKafka {
  private readonly script: string;
  private readonly env: NodeJS.ProcessEnv;
  running = false;

  constructor(
    root: string,
    readonly label: string,
    readonly nodes: number,
    readonly firstPort: number,
    dir: string,
  ) {
    this.script = join(root, 'deploy/local/kafka-cluster.sh');
    this.env = { ...process.env, KAFKA_CLUSTER_NODES: String(nodes), KAFKA_CLUSTER_PORT: String(firstPort), KAFKA_CLUSTER_DIR: join(root, dir) };
  }

  get brokers(): string[] {
    return Array.from({ length: this.nodes }, (_, i) => `127.0.0.1:${this.firstPort + i}`);
  }

  private cli(...args: string[]): Promise<string> {
    return run('bash', [this.script, ...args], this.env);
  }

  /** Fresh: the data of an earlier run (topics, groups) is deleted first. */
  async startFresh(): Promise<void> {
    await this.cli('reset');
    await this.cli('start');
    this.running = true;
  }

  async stop(): Promise<void> {
    await this.cli('stop');
    this.running = false;
  }

  stopBroker(node: number): Promise<string> {
    return this.cli('stop-broker', String(node));
  }

  killBroker(node: number): Promise<string> {
    return this.cli('kill-broker', String(node));
  }

  startBroker(node: number): Promise<string> {
    return this.cli('start-broker', String(node));
  }
}
