import { currentWorkCorrelationId, withWorkCorrelationId } from './work-context';

/**
 * The correlation id of the work in progress: set once where work enters a process (an HTTP
 * request, a consumed Kafka record, a provider callback) and read by the logger and by whatever
 * hands the work on (Kafka headers). The work's context (one AsyncLocalStorage with the trace
 * context, ADR 0060) carries it through every await, so no function has to pass it along by hand.
 */

export const CORRELATION_HEADER = 'x-correlation-id';

/** Runs `work` with `correlationId` as the current one; without an id, `work` runs unchanged. */
export function withCorrelationId<T>(correlationId: string | null | undefined, work: () => T): T {
  return correlationId ? withWorkCorrelationId(correlationId, work) : work();
}

/** Runs `work` outside any correlation id: for shared work that a request merely woke up. */
export function withoutCorrelationId<T>(work: () => T): T {
  return currentWorkCorrelationId() === undefined ? work() : withWorkCorrelationId(undefined, work);
}

export function currentCorrelationId(): string | undefined {
  return currentWorkCorrelationId();
}

/** A correlation id as received from outside: kept when it is a sane token, else none. */
export function acceptableCorrelationId(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(value) ? value : undefined;
}
