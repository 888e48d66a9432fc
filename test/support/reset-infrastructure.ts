import { Client } from 'pg';
import { logLevel } from 'kafkajs';
import { KafkaMessageBus, createKafkaClient, topicSettingsFrom } from '@bin-alert/messaging';
import Redis from 'ioredis';
import { allTopics } from '@bin-alert/contracts';
import { migrate, openDataSource } from '@bin-alert/persistence';
import { loadConfig } from '@bin-alert/platform';

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

/**
 * Empties the project's topics and forgets every consumer group, so that no earlier run's
 * records reach this run's consumers. Records are truncated (deleteTopicRecords up to the high
 * watermark) rather than topics deleted: a deleted topic vanishes asynchronously, and a
 * re-created one could disappear under the next test's feet.
 */
export async function resetKafka(brokers: string[]): Promise<void> {
  const kafka = createKafkaClient({ clientId: 'test-reset', brokers, logLevel: logLevel.NOTHING, connectionTimeout: 3000, retry: { retries: 2 } });
  const admin = kafka.admin();
  await admin.connect().catch((error) => {
    throw new Error(`Kafka is not reachable at ${brokers.join(',')} (${error.message}). Start it with: npm run infra:up`);
  });
  try {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    const existing = await admin.listTopics();
    const scratch = existing.filter((t) => t.startsWith('test.'));
    if (scratch.length > 0) await admin.deleteTopics({ topics: scratch, timeout: 10_000 }).catch(() => undefined);
    // As the apps create them: with the configured partitions, growing a topic that has fewer.
    const wanted = allTopics(topicSettingsFrom(loadConfig()).partitions);
    await new KafkaMessageBus({ brokers, clientId: 'test-reset', connectionTimeoutMs: 3000 }).ensureTopics(wanted);
    for (const topic of wanted) {
      // Right after creation a partition's leader may not be known yet: retry until it is.
      await untilKafkaAnswers(async () => {
        const offsets = await admin.fetchTopicOffsets(topic.name);
        const toTruncate = offsets.filter((o) => Number(o.high) > Number(o.low)).map((o) => ({ partition: o.partition, offset: '-1' }));
        if (toTruncate.length > 0) await admin.deleteTopicRecords({ topic: topic.name, partitions: toTruncate });
      });
    }
  } finally {
    await admin.disconnect();
  }
}

async function untilKafkaAnswers(step: () => Promise<void>, attempts = 50): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      const retriable = (error as { retriable?: boolean }).retriable !== false;
      if (!retriable || attempt >= attempts) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export async function resetRedis(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect().catch((error) => {
    throw new Error(`Redis is not reachable at ${url} (${error.message}). Start it with: npm run infra:up`);
  });
  try {
    // SCAN in pages: a benchmark leaves hundreds of thousands of keys behind.
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', 'bin:*', 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
