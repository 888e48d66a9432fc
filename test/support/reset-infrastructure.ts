import { Client } from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import Redis from 'ioredis';
import { allTopics } from '@bin-alert/contracts';
import { migrate, openDataSource } from '@bin-alert/persistence';

/** Creates the test database if needed and rebuilds its schema from the migrations. */
export async function resetDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const dbName = target.pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect().catch((error) => {
    throw new Error(`PostgreSQL is not reachable at ${admin.host} (${error.message}). Start it with: npm run infra:up`);
  });
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${dbName}"`);
  } finally {
    await client.end();
  }
  const ds = await openDataSource(url, 2);
  try {
    await ds.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    await migrate(ds);
  } finally {
    await ds.destroy();
  }
}

/** Deletes the project's topics and consumer groups so that no earlier run's records remain. */
export async function resetKafka(brokers: string[]): Promise<void> {
  const kafka = new Kafka({ clientId: 'test-reset', brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3000, retry: { retries: 2 } });
  const admin = kafka.admin();
  await admin.connect().catch((error) => {
    throw new Error(`Kafka is not reachable at ${brokers.join(',')} (${error.message}). Start it with: npm run infra:up`);
  });
  try {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    const ours = (await admin.listTopics()).filter((t) => t.startsWith('bin.') || t.startsWith('test.'));
    if (ours.length > 0) {
      await admin.deleteTopics({ topics: ours, timeout: 10_000 });
      for (let i = 0; i < 100; i++) {
        const left = (await admin.listTopics()).filter((t) => ours.includes(t));
        if (left.length === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    // Topic deletion completes asynchronously on the broker; retry creation until it takes.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.createTopics({ topics: allTopics().map((t) => ({ topic: t.name, numPartitions: t.partitions, replicationFactor: 1 })), waitForLeaders: true });
        break;
      } catch (error) {
        if (attempt >= 30) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

export async function resetRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect().catch((error) => {
    throw new Error(`Redis is not reachable at ${url} (${error.message}). Start it with: npm run infra:up`);
  });
  try {
    const keys = await redis.keys('bin:*');
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
