import { createHash } from 'node:crypto';
import type { FixedWindows } from '../stores/stores';

export interface LoginLimits {
  perUsername: number;
  perIp: number;
  windowSeconds: number;
}

export type LoginThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Fixed windows (in Redis in distributed mode), shared by every intake instance: at most `perUsername` attempts on one
 * username (guessing one account's password) and `perIp` from one address (trying many accounts)
 * per window. Attempts are counted before the password is checked, so parallel guesses count too;
 * a successful sign-in clears its username's count, so a user who mistyped twice starts afresh.
 */
export class LoginThrottle {
  constructor(
    private readonly windows: FixedWindows,
    private readonly limits: LoginLimits,
  ) {}

  async attempt(username: string, clientIp: string): Promise<LoginThrottleVerdict> {
    const userKey = this.usernameKey(username);
    const ipKey = `bin:login:ip:${clientIp}`;
    const window = this.limits.windowSeconds;
    const [{ count: userCount, ttlSeconds: userTtl }, { count: ipCount, ttlSeconds: ipTtl }] = await this.windows.hit([userKey, ipKey], window);
    const waits: number[] = [];
    if (userCount > this.limits.perUsername) waits.push(userTtl);
    if (ipCount > this.limits.perIp) waits.push(ipTtl);
    return waits.length === 0 ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, ...waits) };
  }

  async succeeded(username: string): Promise<void> {
    await this.windows.clear(this.usernameKey(username));
  }

  private usernameKey(username: string): string {
    // Hashed: whatever was typed into the username field (even an e-mail address) stays out of Redis.
    return `bin:login:username:${createHash('sha256').update(username.trim().toLowerCase()).digest('hex').slice(0, 32)}`;
  }
}
