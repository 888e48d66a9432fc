import { DeliveryStatus } from '../vocabulary';

/**
 * One channel of an alert as the dashboard shows it: how far the deliveries got. Each stage counts
 * the deliveries that reached it or went beyond it, so the bars only ever shrink from `planned`
 * down to `delivered`; what left the road on the way is counted in `failed` with its reasons, and
 * who was never contacted in `suppressed` with theirs.
 */
export interface DeliveryFunnel {
  /** Every (alert, member, channel) the expander looked at, contacted or not. */
  audience: number;
  suppressed: number;
  suppressedByReason: Record<string, number>;
  /** To be contacted: the audience minus the suppressed. */
  planned: number;
  /** Handed to the provider (accepted) or further. */
  queued: number;
  /** The provider reported it sent (or answered, or deferred by the receiving server) or further. */
  sent: number;
  delivered: number;
  /** Unsuccessful final statuses: failed, undelivered, bounced, no answer, busy. */
  failed: number;
  failedByReason: Record<string, number>;
  /** Voice: the member pressed 1. */
  acknowledged: number;
  /** Planned but not yet final: still on its way. */
  inFlight: number;
}

export interface ChannelDeliveryCounts {
  byStatus: Partial<Record<DeliveryStatus | string, number>>;
  suppressedByReason?: Record<string, number>;
  failedByReason?: Record<string, number>;
  acknowledged?: number;
}

const QUEUED_OR_BEYOND: readonly string[] = ['accepted', 'sent', 'deferred', 'answered', 'delivered', 'undelivered', 'bounced', 'no_answer', 'busy'];
const SENT_OR_BEYOND: readonly string[] = ['sent', 'deferred', 'answered', 'delivered', 'undelivered', 'bounced', 'no_answer', 'busy'];
export const UNSUCCESSFUL_DELIVERY_STATUSES: readonly DeliveryStatus[] = ['failed', 'undelivered', 'bounced', 'no_answer', 'busy'];

/**
 * `failed` counts towards neither `queued` nor `sent`: a provider refusal and a dispatcher's
 * terminal refusal look the same in the row, and a bar must not claim a hand-over that may not
 * have happened.
 */
export function deliveryFunnel(counts: ChannelDeliveryCounts): DeliveryFunnel {
  const n = (statuses: readonly string[]) => statuses.reduce((sum, s) => sum + (counts.byStatus[s] ?? 0), 0);
  const audience = Object.values(counts.byStatus).reduce<number>((sum, v) => sum + (v ?? 0), 0);
  const suppressed = counts.byStatus.suppressed ?? 0;
  const failed = n(UNSUCCESSFUL_DELIVERY_STATUSES);
  const delivered = counts.byStatus.delivered ?? 0;
  const planned = audience - suppressed;
  return {
    audience,
    suppressed,
    suppressedByReason: { ...(counts.suppressedByReason ?? {}) },
    planned,
    queued: n(QUEUED_OR_BEYOND),
    sent: n(SENT_OR_BEYOND),
    delivered,
    failed,
    failedByReason: { ...(counts.failedByReason ?? {}) },
    acknowledged: counts.acknowledged ?? 0,
    inFlight: planned - delivered - failed,
  };
}

/** What one provider route of a channel carried (ADR 0033): handed over to it, reported sent, delivered, failed. */
export interface RouteShare {
  route: string;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
}

export function routeShare(route: string, byStatus: ChannelDeliveryCounts['byStatus']): RouteShare {
  const { queued, sent, delivered, failed } = deliveryFunnel({ byStatus });
  return { route, queued, sent, delivered, failed };
}
