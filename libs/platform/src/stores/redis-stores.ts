import type Redis from 'ioredis';
import { ClaimVerdict, Counters, FixedWindows, SeenMarks, Stores, TokenBuckets, StoredBucket } from './stores';

/**
 * Redis's own clock is used, so instances with skewed clocks agree. Answers 0 when the tokens
 * were taken, or how many milliseconds to wait before asking again.
 */
const TAKE_TOKENS = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local want = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local wait = 0
if tokens >= want then tokens = tokens - want else wait = math.ceil((want - tokens) * 1000 / rate) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now), 'rate', ARGV[1], 'burst', ARGV[2])
if wait > 0 then redis.call('HSET', KEYS[1], 'throttled_until', tostring(now + wait)) end
redis.call('PEXPIRE', KEYS[1], 60000)
return wait
`;

class RedisTokenBuckets implements TokenBuckets {
  constructor(private readonly redis: Redis) {}
  async take(key: string, perSecond: number, burst: number, want: number): Promise<number> {
    return Number(await this.redis.eval(TAKE_TOKENS, 1, key, perSecond, burst, want));
  }

  async list(prefix: string): Promise<{ now: number; buckets: StoredBucket[] }> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 100);
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
    const [seconds, micros] = await this.redis.time();
    const buckets: StoredBucket[] = [];
    for (const key of keys.sort()) {
      const [tokens, at, rate, burst, throttledUntil] = await this.redis.hmget(key, 'tokens', 'at', 'rate', 'burst', 'throttled_until');
      if (tokens === null || at === null) continue;
      const perSecond = Number(rate ?? 0);
      buckets.push({ key, tokens: Number(tokens), at: Number(at), perSecond, burst: Number(burst ?? perSecond), throttledUntil: throttledUntil ? Number(throttledUntil) : null });
    }
    return { now: Number(seconds) * 1000 + Math.floor(Number(micros) / 1000), buckets };
  }
}

/**
 * SET NX per key, and on a key already marked whether its mark is still pending: in one script,
 * so that a batch of callbacks costs one round trip and nobody can slip between the SET and the
 * GET. A script's clock stands still, so a mark cannot expire between the two either.
 */
const CLAIM = `
local verdicts = {}
for i, key in ipairs(KEYS) do
  if redis.call('SET', key, 'pending', 'NX', 'EX', ARGV[1]) then
    verdicts[i] = 'claimed'
  elseif redis.call('GET', key) == 'pending' then
    verdicts[i] = 'pending'
  else
    verdicts[i] = 'done'
  end
end
return verdicts
`;

const CONFIRM = `
for _, key in ipairs(KEYS) do
  redis.call('SET', key, 'done', 'EX', ARGV[1])
end
return 0
`;

class RedisSeenMarks implements SeenMarks {
  constructor(private readonly redis: Redis) {}

  /** `SET NX EX` per key, pipelined. */
  async markFirst(keys: string[], ttlSeconds: number): Promise<boolean[]> {
    if (keys.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.set(key, '1', 'EX', ttlSeconds, 'NX');
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, reply]) => {
      if (error) throw error;
      return reply === 'OK';
    });
  }

  async forget(keys: string[]): Promise<void> {
    if (keys.length > 0) await this.redis.del(...keys);
  }

  async claim(keys: string[], pendingTtlSeconds: number): Promise<ClaimVerdict[]> {
    if (keys.length === 0) return [];
    return (await this.redis.eval(CLAIM, keys.length, ...keys, Math.max(1, Math.ceil(pendingTtlSeconds)))) as ClaimVerdict[];
  }

  /**
   * Unconditional SET EX per key, in one script (one command for the batch, where a pipeline
   * built a command object and a reply per key): a claim that outlived its pending TTL is
   * marked done all the same.
   */
  async confirm(keys: string[], ttlSeconds: number): Promise<void> {
    if (keys.length === 0) return;
    await this.redis.eval(CONFIRM, keys.length, ...keys, ttlSeconds);
  }
}

/** A Redis hash per group; MULTI makes a group's changes land together. */
class RedisCounters implements Counters {
  constructor(private readonly redis: Redis) {}

  async add(key: string, deltas: Record<string, number>): Promise<void> {
    const entries = Object.entries(deltas).filter(([, n]) => n !== 0);
    if (entries.length === 0) return;
    const tx = this.redis.multi();
    for (const [field, n] of entries) tx.hincrby(key, field, n);
    await tx.exec();
  }

  /** One MULTI for every group: a batch of status changes reaches the counters in one round trip. */
  async addAll(groups: Record<string, Record<string, number>>): Promise<void> {
    const changes = Object.entries(groups).flatMap(([key, deltas]) =>
      Object.entries(deltas)
        .filter(([, n]) => n !== 0)
        .map(([field, n]) => [key, field, n] as const),
    );
    if (changes.length === 0) return;
    const tx = this.redis.multi();
    for (const [key, field, n] of changes) tx.hincrby(key, field, n);
    await tx.exec();
  }

  async read(key: string): Promise<Record<string, number>> {
    return Object.fromEntries(Object.entries(await this.redis.hgetall(key)).map(([k, v]) => [k, Number(v)]));
  }

  async replace(groups: Record<string, Record<string, number>>): Promise<void> {
    const tx = this.redis.multi();
    for (const [key, fields] of Object.entries(groups)) {
      tx.del(key);
      if (Object.keys(fields).length > 0) tx.hset(key, fields);
    }
    await tx.exec();
  }
}

/** INCR, EXPIRE NX and TTL per key in one MULTI, so parallel hits all count. */
class RedisFixedWindows implements FixedWindows {
  constructor(private readonly redis: Redis) {}

  async hit(keys: string[], windowSeconds: number): Promise<Array<{ count: number; ttlSeconds: number }>> {
    const tx = this.redis.multi();
    for (const key of keys) tx.incr(key).expire(key, windowSeconds, 'NX').ttl(key);
    const results = await tx.exec();
    if (!results) throw new Error('fixed windows: Redis transaction aborted');
    const values = results.map(([error, value]) => {
      if (error) throw error;
      return value as number;
    });
    return keys.map((_, i) => ({ count: values[3 * i], ttlSeconds: values[3 * i + 2] }));
  }

  async clear(key: string): Promise<void> {
    await this.redis.del(key);
  }
}

export function redisStores(redis: Redis): Stores {
  return {
    kind: 'redis',
    buckets: new RedisTokenBuckets(redis),
    seen: new RedisSeenMarks(redis),
    counters: new RedisCounters(redis),
    windows: new RedisFixedWindows(redis),
    ping: async () => void (await redis.ping()),
    close: async () => void (await redis.quit().catch(() => redis.disconnect())),
  };
}
