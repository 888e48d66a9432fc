import { Kafka, logLevel } from 'kafkajs';

function admin(brokers: string[]) {
  return new Kafka({ clientId: 'test-probe', brokers, logLevel: logLevel.NOTHING }).admin();
}

/**
 * How far a consumer group is behind on a topic: the sum over partitions of end offset minus
 * committed offset. Lets a test wait until a group has processed everything, without sleeping.
 */
export async function consumerLag(brokers: string[], groupId: string, topic: string): Promise<number> {
  const client = admin(brokers);
  await client.connect();
  try {
    const ends = await client.fetchTopicOffsets(topic);
    const [committed] = await client.fetchOffsets({ groupId, topics: [topic] });
    let lag = 0;
    for (const end of ends) {
      const c = committed.partitions.find((p) => p.partition === end.partition);
      // No commit yet means the group starts at the log start; so does a commit before it
      // (records deleted since, as the test reset does).
      const at = Math.max(Number(end.low), c ? Number(c.offset) : -1);
      lag += Math.max(0, Number(end.high) - at);
    }
    return lag;
  } finally {
    await client.disconnect();
  }
}

/** Members of a consumer group that hold partitions, once the group is stable. */
export async function stableGroupMembers(brokers: string[], groupId: string): Promise<number> {
  const client = admin(brokers);
  await client.connect();
  try {
    const { groups } = await client.describeGroups([groupId]);
    const group = groups[0];
    return group && group.state === 'Stable' ? group.members.filter((m) => m.memberAssignment.length > 0).length : 0;
  } finally {
    await client.disconnect();
  }
}
