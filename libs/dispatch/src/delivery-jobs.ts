import { randomUUID } from 'node:crypto';
import { DeliveryJob, DeliveryJobV1, HEADERS, jobsTopic } from '@bin-alert/contracts';
import { Channel, Language, Urgency, groupIntoJobs } from '@bin-alert/domain';
import type { NewOutboxRecord, PlannedJobRange, StoredAlertContent } from '@bin-alert/persistence';

export interface PlannedDelivery {
  memberId: string;
  deliveryId: string;
}

export interface DeliveryJobRecord {
  topic: string;
  partition: number;
  /** A member of the job: every member of a job maps to its partition. */
  key: string;
  value: DeliveryJob;
}

type JobAlert = { alertId: string; channel: Channel; lane: Urgency; content: DeliveryJobV1['content']; expiresAt?: string };

/** The jobs planning cut (version 2, ranges of members), each on the partition of its members. */
export function rangeJobRecords(alert: JobAlert, ranges: PlannedJobRange[]): DeliveryJobRecord[] {
  const topic = jobsTopic(alert.channel, alert.lane);
  const plannedAt = new Date().toISOString();
  return ranges.map((range) => ({
    topic,
    partition: range.partition,
    key: range.first,
    value: {
      type: 'delivery.job',
      version: 2,
      jobId: randomUUID(),
      alertId: alert.alertId,
      channel: alert.channel,
      lane: alert.lane,
      members: range,
      content: alert.content,
      plannedAt,
      ...(alert.expiresAt ? { expiresAt: alert.expiresAt } : {}),
    },
  }));
}

/**
 * Cuts planned deliveries of one alert and channel into jobs for the lane's topic, each job on
 * the partition of its members, so that a member's deliveries are always sent in order.
 */
export function deliveryJobRecords(
  alert: JobAlert,
  deliveries: PlannedDelivery[],
  jobSize: number,
  /** Partitions of the lane's jobs topic. */
  partitions: number,
): DeliveryJobRecord[] {
  const topic = jobsTopic(alert.channel, alert.lane);
  return groupIntoJobs(deliveries, partitions, jobSize).map((job) => ({
    topic,
    partition: job.partition,
    key: job.items[0].memberId,
    value: {
      type: 'delivery.job',
      version: 1,
      jobId: randomUUID(),
      alertId: alert.alertId,
      channel: alert.channel,
      lane: alert.lane,
      deliveryIds: job.items.map((i) => i.deliveryId),
      content: alert.content,
      plannedAt: new Date().toISOString(),
      ...(alert.expiresAt ? { expiresAt: alert.expiresAt } : {}),
    },
  }));
}

/** Recipients per job, and the partitions of each lane's jobs topic. */
export interface LaterJobLayout {
  size: number;
  partitions: Record<Urgency, number>;
}

/**
 * Jobs for deliveries sent later than their alert was planned (a redial, the end of quiet hours),
 * with the same content the expander gave the alert's first jobs, read back from its row.
 * Grouped per alert: a job belongs to one alert.
 */
export function laterDeliveryJobRecords(
  channel: Channel,
  deliveries: Array<{ id: string; memberId: string; content: StoredAlertContent }>,
  jobs: LaterJobLayout,
  fallbackLanguage: Language,
): Array<DeliveryJobRecord & { alertId: string }> {
  const byAlert = new Map<string, typeof deliveries>();
  for (const d of deliveries) byAlert.set(d.content.alertId, [...(byAlert.get(d.content.alertId) ?? []), d]);
  return [...byAlert.values()].flatMap((group) => {
    const { alertId, urgency, redistributionAllowed, texts, kind, messageType, category, categoryRule, expiresAt } = group[0].content;
    const content = { urgency, redistributionAllowed, texts, kind, messageType, fallbackLanguage, category, categoryRule };
    return deliveryJobRecords(
      { alertId, channel, lane: urgency, content, expiresAt: expiresAt?.toISOString() },
      group.map((d) => ({ memberId: d.memberId, deliveryId: d.id })),
      jobs.size,
      jobs.partitions[urgency],
    ).map((job) => ({ ...job, alertId }));
  });
}

/**
 * laterDeliveryJobRecords as outbox records (a redial, a channel fallback: jobs committed with the
 * rows they send), each job under the correlation id its alert was issued under, so that it stays
 * attached to the alert in the logs (ADR 0010).
 */
export function laterJobOutboxRecords(
  channel: Channel,
  deliveries: Array<{ id: string; memberId: string; content: StoredAlertContent; correlationId: string | null }>,
  jobs: LaterJobLayout,
  fallbackLanguage: Language,
): NewOutboxRecord[] {
  const correlationOf = new Map(deliveries.map((d) => [d.content.alertId, d.correlationId]));
  return laterDeliveryJobRecords(channel, deliveries, jobs, fallbackLanguage).map((job) => {
    const correlationId = correlationOf.get(job.alertId);
    const headers: Record<string, string> = correlationId ? { [HEADERS.correlationId]: correlationId } : {};
    return { topic: job.topic, key: job.key, partition: job.partition, payload: job.value, headers };
  });
}
