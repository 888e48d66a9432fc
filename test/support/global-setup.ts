import 'reflect-metadata';
import * as path from 'node:path';
import { register } from 'tsconfig-paths';

/** Integration and end-to-end runs start from an empty, migrated database and fresh topics. */
export default async function globalSetup(): Promise<void> {
  // Jest's moduleNameMapper does not apply to globalSetup: resolve the @bin-alert/* aliases here,
  // and only here, since a run in band executes the tests in this same process.
  const root = path.join(__dirname, '..', '..');
  const unregister = register({ baseUrl: root, paths: require(path.join(root, 'tsconfig.base.json')).compilerOptions.paths });
  try {
    await resetAll();
  } finally {
    unregister();
  }
}

async function resetAll(): Promise<void> {
  const { resetDatabase, resetKafka, resetRedis } = require('./reset-infrastructure') as typeof import('./reset-infrastructure');
  const { TEST_DATABASE_URL, testConfig } = require('../../bench/src/support/test-config') as typeof import('../../bench/src/support/test-config');
  const config = testConfig();
  const started = Date.now();
  await resetDatabase(TEST_DATABASE_URL);
  await resetRedis(config.REDIS_URL);
  await resetKafka(config.KAFKA_BROKERS);
  process.stdout.write(`\n[test setup] PostgreSQL, Redis and Kafka reset in ${Date.now() - started} ms\n`);
}
