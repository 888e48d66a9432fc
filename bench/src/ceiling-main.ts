import 'reflect-metadata';
import { measureCeiling } from './ceiling';

/**
 * The ceiling runs in a process of its own ("one bare process"): the benchmark's runner starts
 * it with the options as JSON in argv[2] and reads one JSON line from its stdout.
 */
async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}');
  const result = await measureCeiling(options);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench] ceiling failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
