import type { Channel } from '@bin-alert/domain';

/**
 * The Redis hash the tracker keeps per alert and channel (field = status, value = deliveries in
 * it now, plus `acknowledged`). Written by the tracker as it applies statuses, read by intake's live
 * dashboard: a contract between two apps, hence here.
 */
export function liveCountersKey(alertId: string, channel: Channel): string {
  return `bin:alert:${alertId}:${channel}`;
}
