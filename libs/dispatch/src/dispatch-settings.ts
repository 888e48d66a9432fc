import type { CircuitBreakerSettings, Language, RedialPolicy, RetryPolicy, SecondRouteUse, Urgency } from '@bin-alert/domain';

export interface DispatchSettings {
  pageSize: number;
  /** Recipients per SMS / voice job; e-mail jobs use emailJobSize (SendGrid takes 1000 per request). */
  jobSize: number;
  emailJobSize: number;
  /**
   * Partitions of each lane's jobs topics (KAFKA_PARTITIONS_JOBS_*): jobs are spread over all of
   * them by member, so that as many sender instances per lane as partitions can share the work.
   */
  jobPartitions: Record<Urgency, number>;
  /** How long a sender holds a claimed delivery before another may take it over. */
  leaseMs: number;
  sendConcurrency: number;
  retryPolicy: RetryPolicy;
  twilioFromNumber: string;
  /** The tracker's origin as the providers reach it: status callbacks and Gather actions go there. */
  trackerPublicUrl: string;
  twilioMessagesPerSecond: number;
  /** The second SMS route (ADR 0033): which alerts may take it, its number's limit, and when a route counts as failing. */
  smsRouting: { secondRouteFor: SecondRouteUse; secondMessagesPerSecond: number; breaker: CircuitBreakerSettings };
  twilioCallsPerSecond: number;
  sendgridRequestsPerSecond: number;
  /** Unanswered or busy calls: how often and how long after they are dialled again, and how often to look for due ones. */
  voiceRedial: RedialPolicy & { pollMs: number };
  /** The zone's default language (ZONE_DEFAULT_LANGUAGE), for jobs read back from an alert's row. */
  zoneDefaultLanguage: Language;
  /** How long an urgent SMS may wait in the provider's queue before it is no longer worth sending. */
  urgentSmsValiditySeconds: number;
  /** At most this many segments per SMS (SMS_SEGMENT_BUDGET). */
  smsSegmentBudget: number;
}

export const DISPATCH_SETTINGS = Symbol('DISPATCH_SETTINGS');
