import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { startIntake } from '../../apps/intake/src/start-intake';
import { startProviderSim, RunningProviderSim } from '../../apps/provider-sim/src/start-provider-sim';
import { startDispatcher } from '@bin-alert/dispatch';
import { Channel } from '@bin-alert/domain';
import { MemberRepository, openDataSource } from '@bin-alert/persistence';
import { AppConfig } from '@bin-alert/platform';
import { resetDatabase, resetKafka, resetRedis } from './reset-infrastructure';
import { testConfig } from './test-config';

export interface RunningStack {
  config: AppConfig;
  intakeUrl: string;
  sim: RunningProviderSim;
  db: DataSource;
  members: MemberRepository;
  dispatchers: Map<Channel, INestApplication>;
  stop(): Promise<void>;
}

/**
 * Every app of the system in this process, on random loopback ports, against the real
 * PostgreSQL, Redis and Kafka (all emptied first), with the provider simulator standing in for
 * Twilio and SendGrid.
 */
export async function startStack(overrides: Record<string, string> = {}): Promise<RunningStack> {
  const sim = await startProviderSim({ port: 0, logger: false });
  const config = testConfig({ PROVIDER_SIM_URL: sim.url, ...overrides });
  // Each end-to-end suite starts from nothing: no earlier alert may reach its members.
  await resetDatabase(config.DATABASE_URL);
  await resetRedis(config.REDIS_URL);
  await resetKafka(config.KAFKA_BROKERS);
  const intake = await startIntake(config, 0);
  const dispatchers = new Map<Channel, INestApplication>();
  for (const channel of ['sms', 'email', 'voice'] as const) dispatchers.set(channel, await startDispatcher(channel, config, 0));
  const db = await openDataSource(config.DATABASE_URL, 2);
  return {
    config,
    intakeUrl: await intake.getUrl(),
    sim,
    db,
    members: new MemberRepository(db),
    dispatchers,
    stop: async () => {
      for (const app of dispatchers.values()) await app.close();
      await intake.close();
      await sim.close();
      await db.destroy();
    },
  };
}
