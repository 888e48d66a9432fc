import { exitProcessWhenAConsumerGivesUp } from '@bin-alert/messaging';
import { startDispatcher } from '@bin-alert/dispatch';
import { loadConfig } from '@bin-alert/platform';

/** dispatcher-sms: consumes issued alerts in its own consumer group and sends them by sms. */
async function main(): Promise<void> {
  // A consumer that cannot be restarted ends the process, for its supervisor to start a fresh one.
  exitProcessWhenAConsumerGivesUp();
  const config = loadConfig();
  await startDispatcher('sms', config);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
