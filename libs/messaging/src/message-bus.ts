import type { ZodType } from 'zod';
import { DomainError, type RetryPolicy } from '@bin-alert/domain';
import { HEADERS } from '@bin-alert/contracts';
import { TRACE_PARENT_HEADER, currentCorrelationId, traceHeaders } from '@bin-alert/platform';

/** A record to publish; `value` is serialised as JSON. */
export interface OutgoingMessage {
  topic: string;
  key: string;
  value: unknown;
  headers?: Record<string, string>;
  /** Set to choose the partition yourself; otherwise the key decides. */
  partition?: number;
}

export interface IncomingMessage<T> {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: T;
  headers: Record<string, string>;
}

export interface HandlerContext {
  /** Long handlers call this between steps so the group does not think the consumer died. */
  heartbeat(): Promise<void>;
}

interface ConsumerOptions<T> {
  groupId: string;
  topics: string[];
  /** Validates every message at the edge; what does not parse goes to the dead letters. */
  schema: ZodType<T>;
  retryPolicy?: RetryPolicy;
  /** Partitions handled at the same time by this instance (default 1). */
  partitionsConcurrently?: number;
  /** How long the broker may hold a fetch open when there is nothing new (default 500 ms). */
  maxWaitMs?: number;
}

/** One record at a time, run under the record's correlation id. */
export interface ConsumerSpec<T> extends ConsumerOptions<T> {
  handle(message: IncomingMessage<T>, context: HandlerContext): Promise<void>;
}

/**
 * Records of one partition, in offset order, up to `maxBatchSize` at a time: what was fetched
 * and not handled yet, so batches grow with the backlog and stay small when there is none. The
 * records are parsed at the edge as for `handle`. A batch that fails is handled again one record
 * at a time, each under its correlation id with the retry policy, so only a record that keeps
 * failing is dead-lettered: the handler must be idempotent. The batch itself is run under no
 * correlation id (its records may have several): the handler applies each record's own.
 */
export interface BatchConsumerSpec<T> extends ConsumerOptions<T> {
  handleBatch(messages: IncomingMessage<T>[], context: HandlerContext): Promise<void>;
  /** Default 500. */
  maxBatchSize?: number;
}

export const DEFAULT_MAX_BATCH_SIZE = 500;

export function isBatchConsumer<T>(spec: ConsumerSpec<T> | BatchConsumerSpec<T>): spec is BatchConsumerSpec<T> {
  return typeof (spec as Partial<BatchConsumerSpec<T>>).handleBatch === 'function';
}

export interface RunningConsumer {
  stop(): Promise<void>;
}

/**
 * The project's own messaging interface. Apps and libs depend on this, not on a Kafka client,
 * so the client can be replaced by a measured better one (ADR 0002).
 */
export interface MessageBus {
  publish(messages: OutgoingMessage[]): Promise<void>;
  consume<T>(spec: ConsumerSpec<T> | BatchConsumerSpec<T>): Promise<RunningConsumer>;
  close(): Promise<void>;
}

/** A message no handler can read or act on (bad payload, unknown alert): straight to the dead letters. */
export class PermanentMessageError extends DomainError {
  constructor(message: string) {
    super('message.unprocessable', message);
  }
}

/**
 * The message with the current correlation id in its headers, unless it names one already:
 * work published while handling an alert stays attached to it (ADR 0010). Every bus driver
 * applies this to what it publishes.
 */
export function withCorrelationHeader(message: OutgoingMessage): OutgoingMessage {
  const correlationId = currentCorrelationId();
  if (!correlationId || message.headers?.[HEADERS.correlationId]) return message;
  return { ...message, headers: { ...message.headers, [HEADERS.correlationId]: correlationId } };
}

/**
 * The message with the active trace context in W3C headers (traceparent, tracestate) beside the
 * correlation id, unless it carries one already (an outbox record keeps the request's): the
 * consumer's span continues the trace (ADR 0020). Every bus driver applies this too.
 */
export function withTraceHeaders(message: OutgoingMessage): OutgoingMessage {
  if (message.headers?.[TRACE_PARENT_HEADER]) return message;
  const headers = traceHeaders();
  return Object.keys(headers).length === 0 ? message : { ...message, headers: { ...message.headers, ...headers } };
}

/** What every bus driver stamps on what it publishes: the correlation id and the trace context. */
export function withContextHeaders(message: OutgoingMessage): OutgoingMessage {
  return withTraceHeaders(withCorrelationHeader(message));
}
