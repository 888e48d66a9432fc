import { Logger } from '@nestjs/common';
import { DEFAULT_RETRY_POLICY, DomainError, RefusalKind, mayRetry, retryDelayMs } from '@bin-alert/domain';
import { HEADERS, TOPICS } from '@bin-alert/contracts';
import {
  AppMetrics,
  Link,
  MESSAGING_ATTRIBUTES,
  ROOT_CONTEXT,
  SpanKind,
  activeSpan,
  inSpan,
  markFailed,
  spanContextOf,
  traceContextFrom,
  TRACE_PARENT_HEADER,
  withCorrelationId,
} from '@bin-alert/platform';
import { BatchConsumerSpec, ConsumerSpec, HandlerContext, IncomingMessage, OutgoingMessage, PermanentMessageError } from './message-bus';

/** One record as a driver fetched it, before parsing: the value is the JSON text as published. */
export interface FetchedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/** What the loop needs from its driver besides the record: a way to put a record on the dead-letter topic. */
export interface DeadLetterSink {
  publishDeadLetter(message: OutgoingMessageRaw): Promise<void>;
}

/** A dead letter keeps the original bytes: what failed to parse must be readable as it came. */
export type OutgoingMessageRaw = Omit<OutgoingMessage, 'value' | 'key'> & { key: string | null; value: string | null };

/**
 * The body of the project's one consumer loop, shared by every MessageBus driver: parse at the
 * edge with the consumer's zod schema, call the handler with the capped retry policy, and
 * dead-letter what does not parse or keeps failing, so that a poison message never stalls its
 * partition. Everything the handler logs or publishes carries the record's correlation id
 * (ADR 0010). Drivers only fetch records in order and commit after this returns.
 */
export function deliverToHandler<T>(spec: ConsumerSpec<T>, record: FetchedRecord, ctx: HandlerContext, sink: DeadLetterSink, logger: Logger, metrics?: AppMetrics): Promise<void> {
  return inRecordScope(spec, record, () => handleRecord(spec, record, ctx, sink, logger, metrics));
}

/** Runs `work` under the record's correlation id and in its span, continuing the trace its headers carry. */
function inRecordScope<R>(spec: { groupId: string }, record: FetchedRecord, work: () => Promise<R>): Promise<R> {
  return withCorrelationId(record.headers[HEADERS.correlationId], () =>
    inSpan(`process ${record.topic}`, { kind: SpanKind.CONSUMER, parent: traceContextFrom(record.headers), attributes: recordAttributes(spec, record) }, work),
  );
}

/**
 * A record's span continues the trace its headers carry (ADR 0020): what the handler publishes
 * or calls runs inside it. Retries are part of the span; a dead letter marks it failed.
 */
function recordAttributes(spec: { groupId: string }, record: FetchedRecord) {
  return {
    [MESSAGING_ATTRIBUTES.system]: 'kafka',
    [MESSAGING_ATTRIBUTES.operationType]: 'process',
    [MESSAGING_ATTRIBUTES.destination]: record.topic,
    [MESSAGING_ATTRIBUTES.partition]: String(record.partition),
    [MESSAGING_ATTRIBUTES.offset]: Number(record.offset),
    [MESSAGING_ATTRIBUTES.consumerGroup]: spec.groupId,
  };
}

async function handleRecord<T>(spec: ConsumerSpec<T>, record: FetchedRecord, ctx: HandlerContext, sink: DeadLetterSink, logger: Logger, metrics?: AppMetrics): Promise<void> {
  const message = await parseAtEdge(spec, record, sink, logger, metrics);
  if (message) await handleWithRetries(spec, record, (c) => spec.handle(message, c), ctx, sink, logger, metrics);
}

/**
 * The batch form of the loop body: every record parsed at the edge (what does not parse is
 * dead-lettered on its own), the valid ones handed over in one call. If that call fails, the
 * records go through the one-record path, each under its correlation id with the retry policy:
 * a poison record is dead-lettered alone, the others are applied, and nothing stalls the
 * partition. A batch of one takes that path at once, so it behaves exactly as `handle` does.
 */
export async function deliverBatchToHandler<T>(
  spec: BatchConsumerSpec<T>,
  records: FetchedRecord[],
  ctx: HandlerContext,
  sink: DeadLetterSink,
  logger: Logger,
  metrics?: AppMetrics,
): Promise<void> {
  const parsed: Array<{ record: FetchedRecord; message: IncomingMessage<T> }> = [];
  for (const record of records) {
    const message = await withCorrelationId(record.headers[HEADERS.correlationId], () => parseAtEdge(spec, record, sink, logger, metrics));
    if (message) parsed.push({ record, message });
  }
  if (parsed.length === 0) return;
  if (parsed.length > 1) {
    try {
      // The records of a batch may belong to as many traces: the batch is a trace of its own, linked to each.
      const links = parsed.flatMap(({ record }): Link[] => {
        const linked = spanContextOf(record.headers[TRACE_PARENT_HEADER]);
        return linked ? [{ context: linked }] : [];
      });
      const first = parsed[0].record;
      await inSpan(
        `process ${first.topic}`,
        { kind: SpanKind.CONSUMER, parent: ROOT_CONTEXT, links, attributes: { ...recordAttributes(spec, first), [MESSAGING_ATTRIBUTES.batchCount]: parsed.length } },
        () =>
          spec.handleBatch(
            parsed.map((p) => p.message),
            ctx,
          ),
      );
      return;
    } catch (error) {
      if (isGroupMembershipLost(error)) throw error;
      const first = parsed[0].record;
      logger.warn({
        msg: 'batch handler failed, handling its records one at a time',
        topic: first.topic,
        partition: first.partition,
        offsets: `${first.offset}-${parsed[parsed.length - 1].record.offset}`,
        group: spec.groupId,
        records: parsed.length,
        error: String(error),
      });
    }
  }
  for (const { record, message } of parsed) {
    await inRecordScope(spec, record, () => handleWithRetries(spec, record, (c) => spec.handleBatch([message], c), ctx, sink, logger, metrics));
  }
}

/** The record's value checked against the consumer's schema, or null once it is dead-lettered. */
async function parseAtEdge<T>(
  spec: ConsumerSpec<T> | BatchConsumerSpec<T>,
  record: FetchedRecord,
  sink: DeadLetterSink,
  logger: Logger,
  metrics?: AppMetrics,
): Promise<IncomingMessage<T> | null> {
  const { topic, partition, offset, headers } = record;
  try {
    const parsed = spec.schema.safeParse(JSON.parse(record.value ?? 'null'));
    if (!parsed.success) throw new PermanentMessageError(`invalid message: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return { topic, partition, offset, key: record.key, value: parsed.data, headers };
  } catch (error) {
    await deadLetter(record, error, whereOf(spec, record), sink, logger, metrics);
    return null;
  }
}

async function handleWithRetries<T>(
  spec: ConsumerSpec<T> | BatchConsumerSpec<T>,
  record: FetchedRecord,
  handle: (ctx: HandlerContext) => Promise<void>,
  ctx: HandlerContext,
  sink: DeadLetterSink,
  logger: Logger,
  metrics?: AppMetrics,
): Promise<void> {
  const where = whereOf(spec, record);
  const policy = spec.retryPolicy ?? DEFAULT_RETRY_POLICY;
  for (let attempt = 1; ; attempt++) {
    try {
      await handle(ctx);
      return;
    } catch (error) {
      // The partition is being taken away (or already is): the record is not this consumer's to
      // retry or dead-letter. Thrown to the driver, which rejoins the group without committing,
      // so the record comes again to whichever instance owns it — handlers are idempotent.
      if (isGroupMembershipLost(error)) throw error;
      if (!retriable(error) || !mayRetry(attempt, policy)) {
        await deadLetter(record, error, { ...where, attempts: attempt }, sink, logger, metrics);
        return;
      }
      const delay = retryDelayMs(attempt, policy);
      metrics?.messageRetries.inc({ topic: record.topic, group: spec.groupId });
      logger.warn({ msg: 'handler failed, will retry', ...where, attempt, delayMs: delay, error: String(error), stack: (error as Error)?.stack });
      await sleepWithHeartbeat(delay, ctx);
    }
  }
}

/**
 * The one mapping of a refusal's kind to what the consumer loop does with the record (ADR 0037):
 * a state that may change (a conflict, a rate limit, something unavailable) is retried; what no
 * retry can change (an unreadable message, an unknown alert) goes to the dead letters at once.
 */
export const RETRIED_KINDS: Readonly<Record<RefusalKind, boolean>> = {
  invalid: false,
  unauthenticated: false,
  forbidden: false,
  not_found: false,
  conflict: true,
  too_many: true,
  unavailable: true,
};

/** Whether a handler's error is worth another attempt: any error but a domain refusal of a kind no retry changes. */
export function retriable(error: unknown): boolean {
  return !(error instanceof DomainError) || RETRIED_KINDS[error.kind];
}

const MEMBERSHIP_LOST = new Set(['REBALANCE_IN_PROGRESS', 'UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'FENCED_INSTANCE_ID']);

/**
 * A heartbeat or commit refused because the group is rebalancing (kafkajs error types), found also
 * when a handler wrapped it (`cause`, an AggregateError's `errors`). Retrying in place cannot
 * succeed before the consumer rejoins, so five retries used to dead-letter a sound alert.
 */
export function isGroupMembershipLost(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const e = error as { type?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.type === 'string' && MEMBERSHIP_LOST.has(e.type)) return true;
  if (e.cause && isGroupMembershipLost(e.cause, depth + 1)) return true;
  return Array.isArray(e.errors) && e.errors.some((inner) => isGroupMembershipLost(inner, depth + 1));
}

function whereOf(spec: { groupId: string }, record: FetchedRecord) {
  return { topic: record.topic, partition: record.partition, offset: record.offset, group: spec.groupId, correlationId: record.headers[HEADERS.correlationId] };
}

async function deadLetter(
  record: FetchedRecord,
  error: unknown,
  where: { group: string; attempts?: number },
  sink: DeadLetterSink,
  logger: Logger,
  metrics?: AppMetrics,
): Promise<void> {
  logger.error({ msg: 'message dead-lettered', ...where, error: String(error) });
  markFailed(activeSpan(), error);
  metrics?.deadLetters.inc({ topic: record.topic, group: where.group });
  await sink.publishDeadLetter({
    topic: TOPICS.deadLetters,
    key: record.key,
    value: record.value,
    headers: { ...record.headers, [HEADERS.error]: String(error).slice(0, 2000), [HEADERS.sourceTopic]: record.topic },
  });
}

/** Waits `ms` while keeping the consumer's group membership alive. */
export async function sleepWithHeartbeat(ms: number, ctx: HandlerContext): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, Math.min(1000, until - Date.now())));
    await ctx.heartbeat().catch(() => undefined);
  }
}
