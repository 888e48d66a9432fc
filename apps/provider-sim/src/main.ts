import { Logger } from '@nestjs/common';
import { DEFAULT_SIM_PORT, startProviderSim } from './start-provider-sim';

/**
 * Standalone launcher: `SIM_PORT` (default 4010), credentials from SIM_TWILIO_* / SIM_SENDGRID_API_KEY,
 * initial fault config from SIM_CONFIG / SIM_SEED / SIM_TWILIO_INBOUND_SMS_URL / SIM_SENDGRID_EVENT_WEBHOOK_URL.
 */
async function main(): Promise<void> {
  const port = process.env.SIM_PORT ? Number(process.env.SIM_PORT) : DEFAULT_SIM_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`SIM_PORT must be a port number, got "${process.env.SIM_PORT}"`);
  const sim = await startProviderSim({ port });
  sim.app.enableShutdownHooks();
  new Logger('provider-sim').log({ msg: 'listening', url: sim.url });
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'provider-sim failed to start', error: String(error) })}\n`);
  process.exit(1);
});
