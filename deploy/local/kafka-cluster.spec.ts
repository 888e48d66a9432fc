import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * deploy/local/kafka-cluster.sh when a start fails half-way: the nodes it launched are stopped,
 * not left holding their ports (the chaos run of docs/reliability.md, "Port clashes"). The script
 * runs from a copy in a directory of its own, with a stand-in for the JVM: a node is a shell
 * process whose command line names kafka.Kafka and its properties, as the script checks, and
 * which never answers, so no Kafka is needed.
 */

const FAKE_JAVA = `#!/bin/bash
case " $* " in
  *" random-uuid "*) echo fake-cluster-id ;;
  *" kafka.Kafka "*) trap 'exit 0' TERM; while :; do sleep 0.1; done ;;
  *) exit 0 ;;
esac
`;

interface Run {
  code: number | null;
  out: string;
}

let root: string;
const occupied: Server[] = [];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kafka-cluster-'));
  mkdirSync(join(root, 'deploy/local'), { recursive: true });
  copyFileSync(join(__dirname, 'kafka-cluster.sh'), join(root, 'deploy/local/kafka-cluster.sh'));
  mkdirSync(join(root, '.local/kafka/lib'), { recursive: true });
  writeFileSync(join(root, '.local/kafka/lib/kafka_2.13-0.0.0.jar'), '');
  mkdirSync(join(root, 'jdk/bin'), { recursive: true });
  writeFileSync(join(root, 'jdk/bin/java'), FAKE_JAVA);
  chmodSync(join(root, 'jdk/bin/java'), 0o755);
});

afterEach(async () => {
  // Whatever the script left running (only when it fails the test): stopped by the pids it wrote.
  for (const pid of pidsInPidfiles()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await Promise.all(occupied.splice(0).map((s) => new Promise((r) => s.close(r))));
  rmSync(root, { recursive: true, force: true });
});

function pidsInPidfiles(): number[] {
  const dir = join(root, 'cluster');
  let nodes: string[];
  try {
    nodes = readdirSync(dir).filter((n) => n.startsWith('node'));
  } catch {
    return [];
  }
  return nodes.flatMap((n) => {
    try {
      return [Number(readFileSync(join(dir, n, 'kafka.pid'), 'utf8').trim())];
    } catch {
      return [];
    }
  });
}

function cluster(basePort: number, env: Record<string, string>, ...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(root, 'deploy/local/kafka-cluster.sh'), ...args], {
      env: { ...process.env, JAVA_HOME: join(root, 'jdk'), KAFKA_CLUSTER_DIR: join(root, 'cluster'), KAFKA_CLUSTER_PORT: String(basePort), KAFKA_STOP_TIMEOUT: '5', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out }));
  });
}

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      occupied.push(server);
      resolve(server);
    });
  });
}

/** A listener on some free port, and the cluster base port that puts it on node 2's controller port (base + 101). */
async function baseWithNode2ControllerTaken(): Promise<number> {
  const server = await listenOn(0);
  return (server.address() as { port: number }).port - 101;
}

/** A base port whose client and controller ports (base..base+2, base+100..base+102) are all free now. */
async function freeBase(): Promise<number> {
  const server = await listenOn(0);
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  occupied.splice(occupied.indexOf(server), 1);
  return port - 101;
}

const startedPids = (out: string) => [...out.matchAll(/started node \d \(pid (\d+),/g)].map((m) => Number(m[1]));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('kafka-cluster.sh start that fails half-way', () => {
  it('stops the node it launched before a later node found its port taken', async () => {
    const base = await baseWithNode2ControllerTaken();

    const run = await cluster(base, {}, 'start');

    expect(run.code).not.toBe(0);
    expect(run.out).toContain(`port 127.0.0.1:${base + 101} (node 2) is taken`);
    const pids = startedPids(run.out);
    expect(pids).toHaveLength(1);
    expect(pids.filter(alive)).toEqual([]);
    expect(run.out).toContain('stopping the node(s) it launched (1)');
  });

  it('stops every node it launched when they do not answer in time', async () => {
    const base = await freeBase();

    const run = await cluster(base, { KAFKA_READY_TIMEOUT: '1' }, 'start');

    expect(run.code).not.toBe(0);
    expect(run.out).toContain('node 1 not ready');
    const pids = startedPids(run.out);
    expect(pids).toHaveLength(3);
    expect(pids.filter(alive)).toEqual([]);
  });

  it('leaves a node running that it did not launch', async () => {
    const base = await freeBase();
    // Node 1 runs before the failed start (a stand-in JVM started by hand, as the script would).
    const node1 = join(root, 'cluster/node1');
    mkdirSync(node1, { recursive: true });
    const running = spawn(join(root, 'jdk/bin/java'), ['kafka.Kafka', join(node1, 'server.properties')], { stdio: 'ignore' });
    writeFileSync(join(node1, 'kafka.pid'), String(running.pid));

    const run = await cluster(base, { KAFKA_READY_TIMEOUT: '1' }, 'start');

    expect(run.code).not.toBe(0);
    expect(run.out).toContain(`node 1 already running (pid ${running.pid})`);
    expect(startedPids(run.out).filter(alive)).toEqual([]);
    expect(alive(running.pid!)).toBe(true);
  });
});
