import { exitProcessWhenAConsumerGivesUp } from '@bin-alert/messaging';
import { startDispatcher } from '@bin-alert/dispatch';
import { loadConfig } from '@bin-alert/platform';

/** dispatcher-voice: consumes issued alerts in its own consumer group and sends them by voice. */
async function main(): Promise<void> {
  // A consumer that cannot be restarted ends the process, for its supervisor to start a fresh one.
  exitProcessWhenAConsumerGivesUp();
  const config = loadConfig();
  await startDispatcher('voice', config);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
