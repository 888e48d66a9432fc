import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeOptionsOf } from '../bench/src/processes';

/**
 * deploy/node-options.sh, the one place of each long-running app's node options (ADR 0048), and
 * the starters that read it: the image's entry point (deploy/kubernetes/manifests.spec.ts runs it),
 * scripts/run.sh and the benchmark.
 */

const REPO = join(__dirname, '..');
const LONG_RUNNING = ['intake', 'tracker', 'dispatcher-sms', 'dispatcher-email', 'dispatcher-voice'];
const DISPATCHERS = LONG_RUNNING.filter((app) => app.startsWith('dispatcher-'));

const optionsOf = (app: string) =>
  execFileSync('sh', [join(__dirname, 'node-options.sh'), app], { encoding: 'utf8' })
    .split(/\s+/)
    .filter(Boolean);

/** The old-space cap, in MiB, of an app's options; null without one. */
const heapCapMiB = (options: string[]) => {
  const caps = options.flatMap((o) => /^--max-old-space-size=(\d+)$/.exec(o)?.[1] ?? []);
  expect(caps.length).toBeLessThanOrEqual(1);
  return caps.length ? Number(caps[0]) : null;
};

describe('deploy/node-options.sh', () => {
  it('caps the old space of every long-running app, and of nothing else', () => {
    for (const app of LONG_RUNNING) expect({ app, capped: heapCapMiB(optionsOf(app)) !== null }).toEqual({ app, capped: true });
    // The simulator's heap grows with the messages it keeps (the benchmark sizes it); CLIs are short.
    for (const app of ['provider-sim', 'migrate', 'seed-demo', 'standalone', '']) expect({ app, options: optionsOf(app) }).toEqual({ app, options: [] });
  });

  it('leaves each dispatcher room of four times its measured live heap (55 MB, docs/benchmarks.md), far below node’s host-sized default', () => {
    for (const app of DISPATCHERS) {
      const cap = heapCapMiB(optionsOf(app))!;
      expect({ app, roomy: cap >= 4 * 55, bounded: cap <= 512 }).toEqual({ app, roomy: true, bounded: true });
    }
  });

  it('is what the benchmark and scripts/run.sh start each app with', () => {
    for (const app of [...LONG_RUNNING, 'provider-sim']) {
      expect({ app, bench: nodeOptionsOf(REPO, `/x/dist/apps/${app}/src/main.js`) }).toEqual({ app, bench: optionsOf(app) });
    }
    const run = readFileSync(join(REPO, 'scripts', 'run.sh'), 'utf8');
    const starter = /^start_app\(\) \{\n([\s\S]*?)\n\}/m.exec(run)?.[1] ?? '';
    expect(starter).toMatch(/^\s*node \$\(sh deploy\/node-options\.sh "\$name"\) "\$entry"/m);
    const started = [...run.matchAll(/^\s*start_app (\S+) (\S+)$/gm)].map(([, name, entry]) => ({ name, entry }));
    expect(started.map((s) => s.name).sort()).toEqual([...LONG_RUNNING, 'provider-sim'].sort());
    for (const { name, entry } of started) expect(entry).toBe(`dist/apps/${name}/src/main.js`);
  });
});
