import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { currentCorrelationId } from './correlation';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

// True until an app logger says otherwise: a process (or test) without one logs as Nest's default does.
let debugLines = true;

/**
 * Whether debug lines are written. A debug line per item on a hot path (one per status event in
 * the tracker) costs its arguments and its correlation id's scope even when the logger drops the
 * line, so such a line is built only when this says it is wanted.
 */
export function debugLogged(): boolean {
  return debugLines;
}

/**
 * Every JSON line written while a correlation id is current carries it as `correlationId`, so one
 * alert can be followed through every app's logs (ADR 0010). A line that names its own keeps it.
 */
export class CorrelatedLogger extends ConsoleLogger {
  protected override getJsonLogObject(message: unknown, options: { context: string; logLevel: LogLevel; writeStreamType?: 'stdout' | 'stderr'; errorStack?: unknown }) {
    const line = super.getJsonLogObject(message, options);
    const own = message !== null && typeof message === 'object' ? (message as { correlationId?: unknown }).correlationId : undefined;
    const correlationId = own ?? currentCorrelationId();
    return correlationId ? { ...line, correlationId } : line;
  }
}

/**
 * Structured JSON lines by default (what log shippers want), pretty text for a person at a
 * terminal. Contact data never reaches a log line: callers pass redactContact() output.
 */
export function createAppLogger(config: Pick<AppConfig, 'LOG_LEVEL' | 'LOG_FORMAT'>, app: string): ConsoleLogger {
  const upTo = LEVELS.indexOf(config.LOG_LEVEL);
  debugLines = upTo >= LEVELS.indexOf('debug');
  return new CorrelatedLogger(app, {
    json: config.LOG_FORMAT === 'json',
    colors: config.LOG_FORMAT === 'pretty' && process.stdout.isTTY,
    logLevels: LEVELS.slice(0, upTo + 1),
    prefix: app,
  });
}
