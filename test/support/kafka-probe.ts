import { withKafkaAdmin } from '@bin-alert/messaging';

/** Moved to libs/messaging, where the ops page uses it too. */
export { consumerLag } from '@bin-alert/messaging';

/** Members of a consumer group that hold partitions, once the group is stable. */
export function stableGroupMembers(brokers: string[], groupId: string): Promise<number> {
  return withKafkaAdmin(
    brokers,
    async (admin) => {
      const { groups } = await admin.describeGroups([groupId]);
      const group = groups[0];
      return group && group.state === 'Stable' ? group.members.filter((m) => m.memberAssignment.length > 0).length : 0;
    },
    'test-probe',
  );
}
