import * as argon2 from 'argon2';
import { z } from 'zod';

/**
 * argon2id with OWASP's minimum (19 MiB, 2 passes, 1 lane): about 30 ms here, slow enough to make
 * offline guessing expensive, cheap enough for a login form on a two-core machine.
 */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** What a staff password must be: long rather than clever (NIST SP 800-63B). */
export const staffPassword = z.string().min(12, 'at least 12 characters').max(256, 'at most 256 characters');

/** Lower-case letters, digits, dot, dash and underscore; 3 to 64 long; no e-mail addresses. */
export const staffUsername = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, '3 to 64 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit');

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let decoy: Promise<string> | undefined;

/**
 * Spends the time a real check takes, for a username that does not exist: the answer's timing
 * then tells nobody which usernames do.
 */
export async function verifyDecoyPassword(password: string): Promise<false> {
  decoy ??= hashPassword('decoy password that matches no account');
  await verifyPassword(await decoy, password);
  return false;
}
