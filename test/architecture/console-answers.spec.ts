import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, isTestFile, sourceFiles } from './source-files';

/**
 * The console reads the server's answers with the server's own types (ADR 0059, after 533a5c5):
 * each answer is declared once, in a types-only file of libs/domain that the server's handler
 * declares as its return type and the console imports by path, so a change on one side breaks the
 * other's build. This test keeps the console from declaring its own copy again: every type an
 * answer is read as (`api<T>(…)`, `response.json() as T`) must come from libs/domain.
 */
const CONSOLE = 'apps/console/src';

/** The type names a file takes from libs/domain: imported or re-exported from a path into it (an `as` alias counts under its new name). */
function domainTypesOf(source: string): string[] {
  const names: string[] = [];
  for (const m of source.matchAll(/(?:import|export)\s+(?:type\s+)?\{([^}]*)\}\s+from\s+['"][^'"]*libs\/domain\/[^'"]+['"]/g)) {
    for (const part of m[1].split(',')) {
      const name = part
        .replace(/^\s*type\s+/, '')
        .trim()
        .split(/\s+as\s+/)
        .pop();
      if (name) names.push(name);
    }
  }
  return names;
}

/**
 * The types a file reads answers as: the first name in `api<…>(` and in `.json()) as …` (`{` for a
 * shape written in place), but for a type parameter of a function of that file (api<T> itself
 * reads the answer as its caller's T).
 */
function answerTypesOf(source: string): string[] {
  const parameters = new Set([...source.matchAll(/function\s+\w+<\s*(\w+)/g)].map((m) => m[1]));
  const read = [...source.matchAll(/\bapi<\s*(\w+|\{)/g), ...source.matchAll(/\.json\(\)\)\s+as\s+(\w+|\{)/g)];
  return read.map((m) => m[1]).filter((type) => !parameters.has(type));
}

describe('console answers: the server types them', () => {
  const files = sourceFiles(CONSOLE).filter((f) => !isTestFile(f));
  const sources = new Map(files.map((f) => [f, readFileSync(join(ROOT, f), 'utf8')]));
  // api.ts hands the domain's answer types on to the pages, under the names it re-exports.
  const viaApi = domainTypesOf(sources.get(`${CONSOLE}/api.ts`) ?? '');

  it('reads every answer as a type from libs/domain', () => {
    const reads = files.flatMap((file) => answerTypesOf(sources.get(file)!).map((type) => ({ file, type })));
    // Guards against a check that passes because it found nothing to check.
    expect(reads.length).toBeGreaterThan(10);
    const own = reads.filter(({ file, type }) => !domainTypesOf(sources.get(file)!).includes(type) && !viaApi.includes(type));
    expect(own).toEqual([]);
  });

  it('catches what it is meant to catch', () => {
    expect(answerTypesOf("export async function api<T>(path: string) {}\nconst a = await api<AlertListAnswer>('/v1/alerts');\nconst r = api<ReportAnswer<T>>(p);")).toEqual([
      'AlertListAnswer',
      'ReportAnswer',
    ]);
    expect(answerTypesOf('const answer = (await response.json()) as IssuedToken;')).toEqual(['IssuedToken']);
    expect(answerTypesOf("api<{ id: string }>('/v1/alerts'); (await response.json()) as { accessToken: string };")).toEqual(['{', '{']);
    expect(domainTypesOf("export type { BinChoice as Bin, BinsAnswer } from '../../../libs/domain/src/reference/reference-answers';\nimport type { X } from './api';")).toEqual([
      'Bin',
      'BinsAnswer',
    ]);
  });
});
