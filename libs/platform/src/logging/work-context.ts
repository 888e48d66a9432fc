import { AsyncLocalStorage } from 'node:async_hooks';
import { Context, ContextManager, ROOT_CONTEXT } from '@opentelemetry/api';

/**
 * What the work in progress carries across every await: its correlation id, its trace context
 * and marks of the libs' own (the urgent lane's connections, ADR 0053), in ONE AsyncLocalStorage
 * (ADR 0060). On Node 20 every enabled AsyncLocalStorage is visited by the promise hook for every
 * promise the process makes; three of them (correlation, OpenTelemetry's context manager, the
 * urgent flag) cost a dispatcher noticeably more CPU per message than one.
 */
interface WorkContext {
  readonly correlationId?: string;
  readonly trace?: Context;
  readonly marks?: readonly symbol[];
}

const storage = new AsyncLocalStorage<WorkContext>();
const NOTHING: WorkContext = {};

function current(): WorkContext {
  return storage.getStore() ?? NOTHING;
}

/** Runs `work` with the current context changed as given; the rest is carried on unchanged. */
function runChanged<T>(changes: WorkContext, work: () => T): T {
  return storage.run({ ...current(), ...changes }, work);
}

export function currentWorkCorrelationId(): string | undefined {
  return current().correlationId;
}

export function withWorkCorrelationId<T>(correlationId: string | undefined, work: () => T): T {
  return runChanged({ correlationId }, work);
}

/** Runs `work` with `mark` set: every statement, timer and callback it starts sees it (hasWorkMark). */
export function withWorkMark<T>(mark: symbol, work: () => T): T {
  const marks = current().marks ?? [];
  return marks.includes(mark) ? work() : runChanged({ marks: [...marks, mark] }, work);
}

export function hasWorkMark(mark: symbol): boolean {
  return current().marks?.includes(mark) ?? false;
}

/**
 * OpenTelemetry's context manager over the same storage: the trace context is one field of the
 * work's context, so replacing it (an extracted parent, ROOT_CONTEXT for shared work) keeps the
 * correlation id and the marks, as the separate storages did.
 */
export class WorkContextManager implements ContextManager {
  active(): Context {
    return current().trace ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return runChanged({ trace: context }, () => fn.apply(thisArg, args));
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const manager = this;
    return function (this: unknown, ...args: unknown[]) {
      return manager.with(context, () => (target as (...a: unknown[]) => unknown).apply(this, args));
    } as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    return this;
  }
}
