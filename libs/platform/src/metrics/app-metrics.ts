import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds: provider calls and HTTP answers take milliseconds to seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds: a rate-limit wait is usually zero, at worst a few seconds behind a backlog. */
const WAIT_BUCKETS = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Every metric the system exports, one registry per app (so apps started in one process, as the
 * tests and the standalone mode do, keep their numbers apart). Labels are bounded sets only —
 * channel, lane, status, reason, topic, group, route template — never an alert, member or
 * contact: one series per value would grow without end and put contact data in the metrics.
 */
export class AppMetrics {
  readonly registry = new Registry();

  readonly httpRequestSeconds = this.histogram(
    'bin_http_request_duration_seconds',
    'HTTP requests answered, by route template and status code',
    ['method', 'route', 'status_code'],
    LATENCY_BUCKETS,
  );
  readonly alertsIssued = this.counter('bin_alerts_issued_total', 'Alerts accepted by intake (committed with their outbox record)', ['category', 'urgency']);
  readonly deliveriesPlanned = this.counter('bin_deliveries_planned_total', 'Deliveries the expander decided to send, per channel and lane', ['channel', 'lane']);
  readonly deliveriesSuppressed = this.counter('bin_deliveries_suppressed_total', 'Members the expander did not contact, per channel, lane and reason', [
    'channel',
    'lane',
    'reason',
  ]);
  readonly smsFallbacks = this.counter(
    'bin_sms_fallbacks_total',
    'Failed or undelivered SMS whose channel fallback was decided, per outcome: the channel it fell back to (voice, email) or why none (ADR 0032)',
    ['outcome'],
  );
  readonly deliveryOutcomes = this.counter('bin_delivery_outcomes_total', 'Deliveries handed to the provider by the senders, per channel, lane and outcome (accepted, failed)', [
    'channel',
    'lane',
    'outcome',
  ]);
  readonly providerCalls = this.counter(
    'bin_provider_calls_total',
    'Calls to Twilio/SendGrid (or the simulator), per channel and outcome (accepted, refused, retryable_error, unexpected_error)',
    ['channel', 'outcome'],
  );
  readonly providerCallSeconds = this.histogram(
    'bin_provider_call_duration_seconds',
    'Duration of one provider call, per channel and outcome (rate-limit waits not included)',
    ['channel', 'outcome'],
    LATENCY_BUCKETS,
  );
  readonly deliveryStatuses = this.counter('bin_delivery_status_reached_total', 'Deliveries reaching a tracked status (from provider callbacks), per channel and status', [
    'channel',
    'status',
  ]);
  readonly reconciliationLookups = this.counter(
    'bin_reconciliation_lookups_total',
    'Deliveries looked up at the provider because their callbacks were lost (ADR 0039), per channel and result: reported (a status moved it on), unchanged, unknown (the provider does not know the id), no_answer',
    ['channel', 'result'],
  );
  readonly reconciliationsEnded = this.counter(
    'bin_reconciliations_ended_total',
    'Reconciliations that ended, per channel and how: reported_final, or why they gave up (unknown_at_provider, provider_unreachable, still_pending_at_provider)',
    ['channel', 'outcome'],
  );
  readonly deliveriesAcknowledged = this.counter('bin_deliveries_acknowledged_total', 'Voice deliveries acknowledged by the member (pressed 1)', ['channel']);
  readonly messageRetries = this.counter('bin_message_retries_total', 'Kafka records whose handler failed and will be retried, per topic and consumer group', ['topic', 'group']);
  readonly deadLetters = this.counter('bin_dead_letters_total', 'Kafka records sent to the dead letters, per source topic and consumer group', ['topic', 'group']);
  readonly rateLimitWaitSeconds = this.histogram(
    'bin_rate_limit_wait_seconds',
    'Time a provider call waited for the shared rate limit, per limit (twilio_messages, twilio_calls, sendgrid_mail_send)',
    ['limit'],
    WAIT_BUCKETS,
  );
  readonly outboxPending = this.gauge('bin_outbox_pending_records', 'Outbox records committed but not yet published to Kafka', []);
  readonly outboxOldestPendingSeconds = this.gauge('bin_outbox_oldest_pending_age_seconds', 'Age of the oldest unpublished outbox record (0 when none)', []);
  readonly consumerLag = this.gauge('bin_kafka_consumer_lag_messages', 'Records not yet processed by a consumer group, per group and topic (end offset minus committed offset)', [
    'group',
    'topic',
  ]);

  /** Refreshes gauges that are read from elsewhere (PostgreSQL, the Kafka admin API) on scrape. */
  private readonly beforeScrape: Array<() => Promise<void>> = [];

  constructor(app: string) {
    this.registry.setDefaultLabels({ app });
    collectDefaultMetrics({ register: this.registry });
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  /** Registers a refresh run before every scrape; a failing one leaves its gauges as they were. */
  refreshOnScrape(refresh: () => Promise<void>): void {
    this.beforeScrape.push(refresh);
  }

  /** The Prometheus text format, after the refreshes (each given at most `timeoutMs`). */
  async scrape(timeoutMs = 2000): Promise<string> {
    await Promise.all(this.beforeScrape.map((refresh) => withTimeout(refresh(), timeoutMs).catch(() => undefined)));
    return this.registry.metrics();
  }
}

export function withTimeout<T>(work: Promise<T>, ms: number, what = 'operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
