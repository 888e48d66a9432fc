import { startDispatcher } from '@bin-alert/dispatch';
import { loadConfig } from '@bin-alert/platform';

/** dispatcher-sms: consumes issued alerts in its own consumer group and sends them by sms. */
async function main(): Promise<void> {
  const config = loadConfig();
  await startDispatcher('sms', config);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
