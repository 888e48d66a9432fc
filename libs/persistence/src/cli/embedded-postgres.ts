import { startEmbeddedPostgres } from '../embedded/embedded-postgres';

/**
 * Serves standalone mode's database alone, for a look with psql while the system is stopped, or
 * for tests that cannot load PGlite in their own VM:
 *   node dist/libs/persistence/src/cli/embedded-postgres.js [--data-dir=.local/standalone/pgdata] [--port=0] [--fresh]
 * Prints `ready <url>` once it accepts connections; SIGINT/SIGTERM stop it cleanly.
 */
async function main(): Promise<void> {
  const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const port = Number(arg('port') ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got "${arg('port')}"`);
  const pg = await startEmbeddedPostgres({ dataDir: arg('data-dir') ?? '.local/standalone/pgdata', port, fresh: process.argv.includes('--fresh') });
  process.stdout.write(`ready ${pg.url}\n`);
  const stop = () =>
    void pg.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  console.error(`[embedded-postgres] failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
