import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository's root: the paths below are relative to it. */
export const ROOT = resolve(__dirname, '../..');

/** Tests (`*.spec.ts`, `*.int-spec.ts`, `*.e2e-spec.ts`) and test helpers under a `testing/` folder. */
export const isTestFile = (file: string) => /\.(spec|int-spec|e2e-spec)\.tsx?$/.test(file) || file.split('/').includes('testing');

/** Every .ts/.tsx file under `dir` (relative to the root), builds and dependencies left out. */
export function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) sourceFiles(path, out);
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}
