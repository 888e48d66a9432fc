import { INestApplication, Logger } from '@nestjs/common';
import { startDispatcher } from '@bin-alert/dispatch';
import { CHANNELS } from '@bin-alert/domain';
import { EmbeddedPostgres, StaffAccountRepository, migrate, openDataSource, seedDemoAccounts, seedDemoMembers, startEmbeddedPostgres } from '@bin-alert/persistence';
import { AppConfig, createAppLogger, hashPassword, loadConfig, startTracing } from '@bin-alert/platform';
import { TRACKER_WEBHOOK_PATHS } from '@bin-alert/providers';
import { startIntake } from '../../intake/src/start-intake';
import { RunningProviderSim, startProviderSim } from '../../provider-sim/src/start-provider-sim';
import { startTracker } from '../../tracker/src/start-tracker';

export interface RunningStandalone {
  config: AppConfig;
  intakeUrl: string;
  simUrl: string;
  phonesUrl: string;
  trackerUrl: string;
  databaseUrl: string;
  /** Members in the database (demo members seeded into an empty one). */
  members: number;
  /** Milliseconds from the call to every app answering. */
  startedInMs: number;
  /** Closes intake first (no new alerts), then the dispatchers, tracker, simulator and the database. */
  stop(): Promise<void>;
}

/**
 * Standalone mode (ADR 0009): the embedded PostgreSQL, then the apps of the system, each still its
 * own Nest application with its own ports, all in this process. The in-process bus and in-memory
 * stores are picked by BIN_ALERT_MODE=standalone in MessagingModule and StoresModule.
 */
export async function startStandalone(env: NodeJS.ProcessEnv = process.env): Promise<RunningStandalone> {
  const started = Date.now();
  // A person at a terminal wants the ready line, not every route Nest maps five times over.
  const base = loadConfig({ LOG_LEVEL: 'warn', ...env, BIN_ALERT_MODE: 'standalone' });
  // One process, one tracer provider: its spans are the standalone service's, whichever app made them (ADR 0020).
  startTracing(base, 'standalone');
  const logger = new Logger('standalone');
  const stack: Array<{ name: string; close(): Promise<void> }> = [];
  const stop = async () => {
    for (const part of stack.reverse().splice(0)) {
      await part.close().catch((error) => logger.error({ msg: `could not stop ${part.name}`, error: String(error) }));
    }
  };
  try {
    const database: EmbeddedPostgres = await startEmbeddedPostgres({ dataDir: `${base.STANDALONE_DATA_DIR}/pgdata`, fresh: base.STANDALONE_FRESH, port: base.STANDALONE_DB_PORT });
    stack.push({ name: 'embedded PostgreSQL', close: () => database.stop() });

    const sim: RunningProviderSim = await startProviderSim({
      port: base.SIM_PORT,
      logger: createAppLogger(base, 'provider-sim'),
      config: {
        twilioInboundSmsUrl: `${base.TRACKER_PUBLIC_URL}${TRACKER_WEBHOOK_PATHS.twilioInboundSms}`,
        sendgridEventWebhookUrl: `${base.TRACKER_PUBLIC_URL}${TRACKER_WEBHOOK_PATHS.sendGridEvents}`,
      },
    });
    stack.push({ name: 'provider simulator', close: () => sim.close() });

    // One session behind the socket: small pools are enough and keep the multiplexer's queue short.
    const config: AppConfig = { ...base, DATABASE_URL: database.url, DATABASE_POOL_SIZE: Math.min(base.DATABASE_POOL_SIZE, 4), PROVIDER_SIM_URL: sim.url };
    const seeded = await migrateAndSeed(config, logger);

    const apps: Array<[string, () => Promise<INestApplication>]> = [
      ['tracker', () => startTracker(config)],
      ...CHANNELS.map((channel): [string, () => Promise<INestApplication>] => [`dispatcher-${channel}`, () => startDispatcher(channel, config)]),
      // Last: once intake answers, everything an alert goes through is running.
      ['intake', () => startIntake(config)],
    ];
    const urls: Record<string, string> = {};
    for (const [name, start] of apps) {
      const app = await start();
      stack.push({ name, close: () => app.close() });
      urls[name] = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    }
    return {
      config,
      intakeUrl: urls.intake,
      simUrl: sim.url,
      phonesUrl: `${sim.url}/__sim/phones`,
      trackerUrl: urls.tracker,
      databaseUrl: database.url,
      members: seeded,
      startedInMs: Date.now() - started,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function migrateAndSeed(config: AppConfig, logger: Logger): Promise<number> {
  const db = await openDataSource(config.DATABASE_URL, 2);
  try {
    const applied = await migrate(db);
    if (applied.length > 0) logger.log({ msg: 'migrated the embedded database', applied });
    const before = await seedDemoMembers(db, config.STANDALONE_DEMO_MEMBERS);
    if (before < config.STANDALONE_DEMO_MEMBERS) logger.log({ msg: 'seeded demo members', members: config.STANDALONE_DEMO_MEMBERS - before });
    // The README's demo staff accounts, so that one can sign in at once (demo installations only).
    const accounts = await seedDemoAccounts(new StaffAccountRepository(db), hashPassword);
    if (accounts.length > 0) logger.log({ msg: 'seeded demo staff accounts', accounts });
    return Math.max(before, config.STANDALONE_DEMO_MEMBERS);
  } finally {
    await db.destroy();
  }
}
