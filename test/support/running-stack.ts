import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { startIntake } from '../../apps/intake/src/start-intake';
import { startTracker } from '../../apps/tracker/src/start-tracker';
import { startProviderSim, RunningProviderSim } from '../../apps/provider-sim/src/start-provider-sim';
import { startDispatcher } from '@bin-alert/dispatch';
import { Channel } from '@bin-alert/domain';
import { MemberRepository, openDataSource } from '@bin-alert/persistence';
import { AppConfig } from '@bin-alert/platform';
import { TRACKER_WEBHOOK_PATHS } from '@bin-alert/providers';
import { freePort } from '../../bench/src/support/free-port';
import { resetDatabase, resetKafka, resetRedis } from './reset-infrastructure';
import { testConfig } from '../../bench/src/support/test-config';
import { TestClock } from './test-clock';

export interface RunningStack {
  config: AppConfig;
  intakeUrl: string;
  sim: RunningProviderSim;
  trackerUrl: string;
  db: DataSource;
  members: MemberRepository;
  dispatchers: Map<Channel, INestApplication>;
  /** The clock of intake and the dispatchers (quiet hours, signed links); real time until set. */
  clock: TestClock;
  /** Closes the tracker (callbacks then find nothing listening) and starts it again on its port. */
  stopTracker(): Promise<void>;
  restartTracker(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Every app of the system in this process, on random loopback ports, against the real
 * PostgreSQL, Redis and Kafka (all emptied first), with the provider simulator standing in for
 * Twilio and SendGrid.
 */
export async function startStack(overrides: Record<string, string> = {}): Promise<RunningStack> {
  // The tracker's public URL is signed into every callback, and intake's starts every link a member
  // receives (opened by the browser tests), so both ports are chosen up front.
  const trackerPort = await freePort();
  const trackerUrl = `http://127.0.0.1:${trackerPort}`;
  const intakePort = await freePort();
  const sim = await startProviderSim({
    port: 0,
    logger: false,
    config: {
      twilioInboundSmsUrl: `${trackerUrl}${TRACKER_WEBHOOK_PATHS.twilioInboundSms}`,
      sendgridEventWebhookUrl: `${trackerUrl}${TRACKER_WEBHOOK_PATHS.sendGridEvents}`,
    },
  });
  const config = testConfig({
    PROVIDER_SIM_URL: sim.url,
    TRACKER_PORT: String(trackerPort),
    TRACKER_PUBLIC_URL: trackerUrl,
    MEMBER_LINKS_BASE_URL: `http://127.0.0.1:${intakePort}`,
    ...overrides,
  });
  // Each end-to-end suite starts from nothing: no earlier alert may reach its members.
  await resetDatabase(config.DATABASE_URL);
  await resetRedis(config.REDIS_URL);
  await resetKafka(config.KAFKA_BROKERS);
  const clock = new TestClock();
  const intake = await startIntake(config, intakePort, { clock: clock.now });
  let tracker: INestApplication | null = await startTracker(config, trackerPort);
  const dispatchers = new Map<Channel, INestApplication>();
  for (const channel of ['sms', 'email', 'voice'] as const) dispatchers.set(channel, await startDispatcher(channel, config, 0, { clock: clock.now }));
  const db = await openDataSource(config.DATABASE_URL, 2);
  return {
    config,
    intakeUrl: await intake.getUrl(),
    sim,
    trackerUrl,
    db,
    members: new MemberRepository(db),
    dispatchers,
    clock,
    stopTracker: async () => {
      await tracker?.close();
      tracker = null;
    },
    restartTracker: async () => {
      tracker ??= await startTracker(config, trackerPort);
    },
    stop: async () => {
      for (const app of dispatchers.values()) await app.close();
      await intake.close();
      await tracker?.close();
      await sim.close();
      await db.destroy();
    },
  };
}
