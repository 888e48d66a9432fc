import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Structured JSON lines by default (what log shippers want), pretty text for a person at a
 * terminal. Contact data never reaches a log line: callers pass redactContact() output.
 */
export function createAppLogger(config: Pick<AppConfig, 'LOG_LEVEL' | 'LOG_FORMAT'>, app: string): ConsoleLogger {
  const upTo = LEVELS.indexOf(config.LOG_LEVEL);
  return new ConsoleLogger(app, {
    json: config.LOG_FORMAT === 'json',
    colors: config.LOG_FORMAT === 'pretty' && process.stdout.isTTY,
    logLevels: LEVELS.slice(0, upTo + 1),
    prefix: app,
  });
}
