import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Turns the V8 tick logs written with --cpu-prof (node --prof) into text (`<app>.prof.txt`,
 * node --prof-process) and returns, per app, the heaviest entries of the bottom-up profile.
 */
export function profileSummaries(dir: string, files: string[], top = 8): string[] {
  const lines: string[] = [];
  for (const file of files.filter((f) => f.endsWith('.v8.log')).sort()) {
    const name = file.replace(/\.v8\.log$/, '');
    const processed = spawnSync(process.execPath, ['--prof-process', join(dir, file)], { encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
    if (processed.status !== 0) {
      lines.push(`[bench] profile ${name}: --prof-process failed: ${processed.stderr.slice(0, 300)}`);
      continue;
    }
    const text = processed.stdout;
    writeFileSync(join(dir, `${name}.prof.txt`), text);
    const ticks = /\((\d+) ticks/.exec(text)?.[1] ?? '?';
    const summary =
      /\[Summary\]:\n([\s\S]*?)\n\n/
        .exec(text)?.[1]
        ?.split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .slice(1, 5) ?? [];
    const heavy = text.split('[Bottom up (heavy) profile]:')[1] ?? '';
    const idle = /^\s+(\d+)\s+[\d.]+%\s+epoll_pwait/m.exec(heavy)?.[1];
    // The heaviest JavaScript frames, whatever native entry they sit under.
    const entries = heavy
      .split('\n')
      .filter((l) => /^\s+\d+\s+\d+\.\d+%\s+JS: /.test(l))
      .map((l) => ({ ticks: Number(l.trim().split(/\s+/)[0]), name: l.replace(/^\s+\d+\s+\d+\.\d+%\s+JS: /, '').trim() }))
      .sort((a, b) => b.ticks - a.ticks)
      .filter((e, i, all) => all.findIndex((x) => x.name === e.name) === i)
      .slice(0, top);
    const idleShare = idle && ticks !== '?' ? ` ${Math.round((Number(idle) / Number(ticks)) * 100)}% idle (epoll_wait);` : '';
    lines.push(`[bench] profile ${name} (${ticks} ticks;${idleShare} ${summary.join('; ')}):`);
    for (const e of entries) lines.push(`    ${e.ticks} ticks  ${e.name}`);
  }
  lines.push(`[bench] full profiles: ${dir}/*.prof.txt`);
  return lines;
}
