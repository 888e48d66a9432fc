import { DEMO_PASSWORD } from '@bin-alert/persistence';
import { ConfigError } from '@bin-alert/platform';
import { RunningStandalone, startStandalone } from './start-standalone';

/**
 * standalone: the whole system in this one process, with no PostgreSQL, Redis or Kafka server
 * (ADR 0009). `--fresh` starts from an empty database. Ctrl-C stops everything.
 */
async function main(): Promise<void> {
  let running: RunningStandalone | null = null;
  let stopping: NodeJS.Signals | null = null;
  const stop = () =>
    running!.stop().then(
      () => {
        process.stdout.write('[standalone] stopped\n');
        process.exit(0);
      },
      (error) => {
        process.stderr.write(`[standalone] stop failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  // Installed before anything starts: a Ctrl-C while the database is being seeded must still
  // close it properly, once the start-up it interrupted has finished.
  const shutdown = (signal: NodeJS.Signals) => {
    // A second Ctrl-C means "now": the database may then need its recovery at the next start.
    if (stopping) process.exit(130);
    stopping = signal;
    process.stdout.write(`\n[standalone] ${signal}: stopping…\n`);
    if (running) void stop();
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  const env = process.argv.includes('--fresh') ? { ...process.env, STANDALONE_FRESH: 'true' } : process.env;
  running = await startStandalone(env);
  if (stopping) return void stop();
  const seconds = (running.startedInMs / 1000).toFixed(1);
  process.stdout.write(
    `[standalone] BIN Alert is up in ${seconds} s (one process, ${running.members} demo members): ` +
      `intake ${running.intakeUrl} · phones and inboxes ${running.phonesUrl} · tracker ${running.trackerUrl} · database ${running.databaseUrl} · sign in as operator / ${DEMO_PASSWORD}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`[standalone] failed to start: ${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
