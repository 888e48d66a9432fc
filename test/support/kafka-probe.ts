import { Kafka, logLevel } from 'kafkajs';
import { fetchConsumerLag } from '@bin-alert/messaging';

function admin(brokers: string[]) {
  return new Kafka({ clientId: 'test-probe', brokers, logLevel: logLevel.NOTHING }).admin();
}

/**
 * How far a consumer group is behind on a topic (the same calculation as the lag metric). Lets a
 * test wait until a group has processed everything, without sleeping.
 */
export async function consumerLag(brokers: string[], groupId: string, topic: string): Promise<number> {
  const client = admin(brokers);
  await client.connect();
  try {
    return await fetchConsumerLag(client, groupId, topic);
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
