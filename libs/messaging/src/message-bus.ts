import type { ZodType } from 'zod';
import type { RetryPolicy } from '@bin-alert/domain';
import { HEADERS } from '@bin-alert/contracts';
import { currentCorrelationId } from '@bin-alert/platform';

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

export interface ConsumerSpec<T> {
  groupId: string;
  topics: string[];
  /** Validates every message at the edge; what does not parse goes to the dead letters. */
  schema: ZodType<T>;
  handle(message: IncomingMessage<T>, context: HandlerContext): Promise<void>;
  retryPolicy?: RetryPolicy;
  /** Partitions handled at the same time by this instance (default 1). */
  partitionsConcurrently?: number;
  /** How long the broker may hold a fetch open when there is nothing new (default 500 ms). */
  maxWaitMs?: number;
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
  consume<T>(spec: ConsumerSpec<T>): Promise<RunningConsumer>;
  close(): Promise<void>;
}

/** A failure that no retry can fix (unknown alert, impossible state): straight to the dead letters. */
export class PermanentMessageError extends Error {}

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
