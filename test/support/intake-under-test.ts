import type { INestApplication } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '@bin-alert/platform';
import { openDataSource } from '@bin-alert/persistence';
import { startIntake } from '../../apps/intake/src/start-intake';
import { testConfig } from '../../bench/src/support/test-config';

/** Intake on a free loopback port, with a connection of the test's own to its database. */
export interface IntakeUnderTest {
  app: INestApplication;
  url: string;
  db: DataSource;
  config: AppConfig;
  close(): Promise<void>;
}

export async function startIntakeUnderTest(config: AppConfig = testConfig()): Promise<IntakeUnderTest> {
  const app = await startIntake(config, 0);
  const url = await app.getUrl();
  const db = await openDataSource(config.DATABASE_URL, 2);
  return {
    app,
    url,
    db,
    config,
    close: async () => {
      await app.close();
      await db.destroy();
    },
  };
}
