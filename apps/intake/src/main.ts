import { loadConfig } from '@bin-alert/platform';
import { startIntake } from './start-intake';

/** intake: the HTTP API where operators issue alerts; publishes them through the outbox. */
async function main(): Promise<void> {
  await startIntake(loadConfig());
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
