import { exitProcessWhenAConsumerGivesUp } from '@bin-alert/messaging';
import { loadConfig } from '@bin-alert/platform';
import { startTracker } from './start-tracker';

/** tracker: receives the providers' signed callbacks and projects delivery statuses. */
async function main(): Promise<void> {
  // A consumer that cannot be restarted ends the process, for its supervisor to start a fresh one.
  exitProcessWhenAConsumerGivesUp();
  await startTracker(loadConfig());
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
