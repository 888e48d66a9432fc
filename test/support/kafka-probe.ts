import { Kafka, logLevel } from 'kafkajs';

/**
 * How far a consumer group is behind on a topic: the sum over partitions of end offset minus
 * committed offset. Lets a test wait until a group has processed everything, without sleeping.
 */
export async function consumerLag(brokers: string[], groupId: string, topic: string): Promise<number> {
  const admin = new Kafka({ clientId: 'test-probe', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    let lag = 0;
    for (const end of ends) {
      const c = committed.partitions.find((p) => p.partition === end.partition);
      const at = c && Number(c.offset) >= 0 ? Number(c.offset) : 0;
      lag += Number(end.high) - at;
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}
