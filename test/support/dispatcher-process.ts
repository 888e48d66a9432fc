import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { AppConfig } from '@bin-alert/platform';

const ROOT = path.join(__dirname, '..', '..');
export const DISPATCHER_SMS_MAIN = path.join(ROOT, 'dist/apps/dispatcher-sms/src/main.js');
const ARTIFACTS = path.join(ROOT, 'test-artifacts');

/** A built SMS dispatcher as its own process, on any free port, its output in test-artifacts/<prefix>-<name>.log. */
export function spawnSmsDispatcher(config: AppConfig, name: string, env: Record<string, string> = {}, prefix = 'dispatcher'): ChildProcess {
  mkdirSync(ARTIFACTS, { recursive: true });
  const log = createWriteStream(path.join(ARTIFACTS, `${prefix}-${name}.log`));
  const child = spawn(process.execPath, [DISPATCHER_SMS_MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: config.DATABASE_URL,
      REDIS_URL: config.REDIS_URL,
      KAFKA_BROKERS: config.KAFKA_BROKERS.join(','),
      PROVIDER_SIM_URL: config.PROVIDER_SIM_URL,
      TRACKER_PUBLIC_URL: config.TRACKER_PUBLIC_URL,
      DISPATCHER_SMS_PORT: '0',
      LOG_LEVEL: 'log',
      DISPATCH_LEASE_MS: '5000',
      KAFKA_SESSION_TIMEOUT_MS: '8000',
      TWILIO_MESSAGES_PER_SECOND: '250',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  return child;
}

/** The URL the process logged it listens on (port 0 picks a free one). */
export function listeningUrl(child: ChildProcess, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no 'listening' line within ${timeoutMs} ms`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const match = /"msg":"listening","url":"(http:\/\/[^"]+)"/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
}
