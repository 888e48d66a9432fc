import { Logger } from '@nestjs/common';
import { configSchema, createAppLogger } from '@bin-alert/platform';
import { DEFAULT_SIM_PORT, startProviderSim } from './start-provider-sim';

/**
 * Standalone launcher: `SIM_PORT` (default 4010), credentials from SIM_TWILIO_* / SIM_SENDGRID_API_KEY,
 * initial fault config from SIM_CONFIG / SIM_SEED / SIM_TWILIO_INBOUND_SMS_URL / SIM_SENDGRID_EVENT_WEBHOOK_URL,
 * and LOG_LEVEL / LOG_FORMAT like every app (the benchmark runs it at warn: a line per message
 * would cost more than the message).
 */
async function main(): Promise<void> {
  const port = process.env.SIM_PORT ? Number(process.env.SIM_PORT) : DEFAULT_SIM_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`SIM_PORT must be a port number, got "${process.env.SIM_PORT}"`);
  // Only the logging settings: the simulator stands for a remote provider, not for a part of the system.
  const logging = configSchema.pick({ LOG_LEVEL: true, LOG_FORMAT: true }).safeParse(process.env);
  if (!logging.success) throw new Error(`LOG_LEVEL / LOG_FORMAT: ${logging.error.issues.map((issue) => issue.message).join('; ')}`);
  const sim = await startProviderSim({ port, logger: createAppLogger(logging.data, 'provider-sim') });
  sim.app.enableShutdownHooks();
  new Logger('provider-sim').log({ msg: 'listening', url: sim.url });
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'provider-sim failed to start', error: String(error) })}\n`);
  process.exit(1);
});
