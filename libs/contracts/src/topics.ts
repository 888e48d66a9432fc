import { Channel, Urgency } from '@bin-alert/domain';

/**
 * Every Kafka topic of the system, with its partition count. Topics are created up front
 * (the broker refuses to auto-create them) before any consumer subscribes.
 * Names carry a version so that a breaking schema change gets a new topic.
 */
export const TOPICS = {
  /** Issued alerts, keyed by alert id: one consumer group per channel dispatcher. */
  alerts: 'bin.alerts.v1',
  /** Delivery status changes, keyed by member id (tracker, dashboards). */
  deliveryEvents: 'bin.delivery-events.v1',
  /** What failed for good or could not be parsed, with the error in the headers. */
  deadLetters: 'bin.dead-letters.v1',
  /** Messages to one member about their membership (invitations, confirmations), keyed by member id. */
  memberNotices: 'bin.member-notices.v1',
} as const;

/** Jobs of N recipients per channel and lane, keyed by member id. */
export function jobsTopic(channel: Channel, lane: Urgency): string {
  return `bin.jobs.${channel}.${lane}.v1`;
}

export interface TopicSpec {
  name: string;
  partitions: number;
}

/**
 * Partitions of each topic family: settings (KAFKA_PARTITIONS_*, libs/platform's config schema,
 * whose defaults a test holds equal to these). The planner spreads a lane's jobs over every
 * partition of its topic by member, so a jobs topic's count is the most sender instances of that
 * lane that share the work: 24 lets a national alert use 24 per lane. The other families carry a
 * record per alert (alerts), per member notice or per dead letter, few enough for a handful of
 * consumers; more partitions would only lengthen every rebalance (ADR 0036).
 */
export interface TopicPartitions {
  alerts: number;
  jobsUrgent: number;
  jobsNormal: number;
  deliveryEvents: number;
  memberNotices: number;
  deadLetters: number;
}

export const TOPIC_PARTITION_DEFAULTS: TopicPartitions = { alerts: 3, jobsUrgent: 24, jobsNormal: 24, deliveryEvents: 6, memberNotices: 3, deadLetters: 1 };

export function allTopics(partitions: TopicPartitions = TOPIC_PARTITION_DEFAULTS): TopicSpec[] {
  const channels: Channel[] = ['sms', 'email', 'voice'];
  return [
    { name: TOPICS.alerts, partitions: partitions.alerts },
    { name: TOPICS.deliveryEvents, partitions: partitions.deliveryEvents },
    { name: TOPICS.deadLetters, partitions: partitions.deadLetters },
    { name: TOPICS.memberNotices, partitions: partitions.memberNotices },
    ...channels.flatMap((c) => [
      { name: jobsTopic(c, 'urgent'), partitions: partitions.jobsUrgent },
      { name: jobsTopic(c, 'normal'), partitions: partitions.jobsNormal },
    ]),
  ];
}

/** Consumer group of a channel's dispatcher on the alerts topic (the expander of normal alerts). */
export function dispatcherGroup(channel: Channel): string {
  return `dispatcher-${channel}`;
}

/**
 * The expander of one lane. Both groups read every alert and each expands its own lane's, so an
 * urgent alert is never queued behind the expansion of a large normal one (ADR 0005).
 */
export function expanderGroup(channel: Channel, lane: Urgency): string {
  return lane === 'urgent' ? `${dispatcherGroup(channel)}-urgent` : dispatcherGroup(channel);
}

/** Consumer group of a channel's senders on one lane's jobs topic, shared by every instance. */
export function senderGroup(channel: Channel, lane: Urgency): string {
  return `sender-${channel}-${lane}`;
}

/** The group of a channel's dispatcher that sends member notices on that channel. */
export function noticeGroup(channel: Channel): string {
  return `notices-${channel}`;
}

/** Kafka headers the system sets on every record it produces. */
export const HEADERS = {
  correlationId: 'x-correlation-id',
  eventType: 'x-event-type',
  error: 'x-error',
  sourceTopic: 'x-source-topic',
} as const;
