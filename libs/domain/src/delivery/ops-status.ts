/**
 * What GET /v1/ops answers, as JSON carries it (dates as ISO 8601 strings): one declaration for
 * the server (libs/messaging reads the bus, libs/platform the rate limits) and the console's ops
 * page, as alert-dashboard.ts. Types only, in a pure file the browser bundle imports by path.
 */

/** One consumer group with its lag, in records, on each topic it has committed offsets for. */
export interface ConsumerGroupLag {
  groupId: string;
  state: string;
  members: number;
  topics: Array<{ topic: string; lag: number }>;
}

/** A provider rate limit's token bucket; buckets idle for a minute expire, i.e. are full again. */
export interface RateLimitBucketState {
  name: string;
  perSecond: number;
  burst: number;
  /** Tokens available now, refilled since the last take. */
  tokens: number;
  lastTakenAt: string;
  /** Until when the last sender that found the bucket empty was told to wait. */
  throttledUntil: string | null;
}

export interface OpsStatus {
  consumerGroups: ConsumerGroupLag[];
  deadLetters: { topic: string; records: number };
  rateLimits: RateLimitBucketState[];
  readAt: string;
}
