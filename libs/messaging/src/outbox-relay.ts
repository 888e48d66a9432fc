import { Logger } from '@nestjs/common';
import { HEADERS, TOPICS } from '@bin-alert/contracts';
import type { OutboxDrainResult, OutboxPublishing, OutboxRepository } from '@bin-alert/persistence';
import {
  AppMetrics,
  MESSAGING_ATTRIBUTES,
  SpanKind,
  TRACE_PARENT_HEADER,
  markFailed,
  startSpan,
  traceContextFrom,
  traceHeaders,
  withCorrelationId,
  withoutCorrelationId,
  withoutTraceContext,
} from '@bin-alert/platform';
import type { MessageBus, OutgoingMessage } from './message-bus';

/** The relay of the running app, for the services that kick it after committing an outbox record. */
export const OUTBOX_RELAY = Symbol('OUTBOX_RELAY');

/**
 * Publishes what intake committed to the outbox. Runs on a timer and on demand (kick) so that a
 * fresh alert leaves within milliseconds, while one that met a Kafka outage is picked up again
 * on the next tick. Several relays may run: row locks keep them from publishing the same record.
 */
export class OutboxRelay {
  private readonly logger = new Logger('outbox-relay');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private failingSince: number | null = null;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly bus: MessageBus,
    private readonly pollMs: number,
    private readonly batchSize = 200,
    /** Failed attempts after which a record Kafka keeps refusing, while taking others, is dead-lettered. */
    private readonly maxAttempts = 10,
    private readonly metrics?: AppMetrics,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.kick();
  }

  /** Runs a drain now, or right after the one in progress. */
  kick(): void {
    if (this.running !== null) {
      this.again = true;
      return;
    }
    // A drain publishes every pending record, not only the waking request's: it runs under none's id, in none's trace.
    this.running = withoutCorrelationId(() => withoutTraceContext(() => this.drain())).finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Publishes until the outbox is empty or Kafka refuses. */
  async drain(): Promise<void> {
    try {
      let drained: OutboxDrainResult;
      do {
        drained = await this.outbox.publishPending(this.batchSize, this.publishing);
        if (drained.deadLettered > 0)
          this.logger.error({ msg: 'outbox records dead-lettered: Kafka refused them while accepting others', count: drained.deadLettered, error: String(drained.firstError) });
        if (drained.published === 0 && drained.failed > 0) throw drained.firstError;
        if (drained.failed > 0)
          this.logger.warn({ msg: 'outbox records refused by Kafka; they stay pending and are retried', count: drained.failed, error: String(drained.firstError) });
      } while (drained.published + drained.deadLettered === this.batchSize);
      if (this.failingSince !== null) {
        this.logger.log({ msg: 'outbox relay recovered', downForMs: Date.now() - this.failingSince });
        this.failingSince = null;
      }
    } catch (error) {
      if (this.failingSince === null) {
        this.failingSince = Date.now();
        this.logger.warn({ msg: 'outbox relay cannot publish; records stay pending and will be retried', error: String(error) });
      }
    }
  }

  private get publishing(): OutboxPublishing {
    return {
      maxAttempts: this.maxAttempts,
      publish: (records) =>
        publishTraced(
          this.bus,
          records.map((r) => ({ topic: r.topic, key: r.key, value: r.payload, headers: r.headers, ...(r.partition === undefined ? {} : { partition: r.partition }) })),
        ),
      deadLetter: async (record, error) => {
        await this.bus.publish([
          {
            topic: TOPICS.deadLetters,
            key: record.key,
            value: record.payload,
            headers: { ...record.headers, [HEADERS.error]: String(error).slice(0, 2000), [HEADERS.sourceTopic]: record.topic },
          },
        ]);
        this.metrics?.deadLetters.inc({ topic: record.topic, group: 'outbox-relay' });
      },
    };
  }
}

/**
 * A record that kept its writer's trace context (intake's request) is published in a producer
 * span of that trace, and carries this span's context on: the trace shows how long the record
 * waited in the outbox (ADR 0020). Records without one go as they are.
 */
async function publishTraced(bus: MessageBus, messages: OutgoingMessage[]): Promise<void> {
  const spans = messages.map((m) =>
    m.headers?.[TRACE_PARENT_HEADER]
      ? withCorrelationId(m.headers[HEADERS.correlationId], () =>
          startSpan(`publish ${m.topic}`, {
            kind: SpanKind.PRODUCER,
            parent: traceContextFrom(m.headers ?? {}),
            attributes: {
              [MESSAGING_ATTRIBUTES.system]: 'kafka',
              [MESSAGING_ATTRIBUTES.operationType]: 'send',
              [MESSAGING_ATTRIBUTES.destination]: m.topic,
              [MESSAGING_ATTRIBUTES.messageKey]: m.key,
            },
          }),
        )
      : null,
  );
  try {
    await bus.publish(messages.map((m, i) => (spans[i] ? { ...m, headers: { ...m.headers, ...traceHeaders(spans[i].context) } } : m)));
  } catch (error) {
    for (const traced of spans) markFailed(traced?.span, error);
    throw error;
  } finally {
    for (const traced of spans) traced?.span.end();
  }
}
