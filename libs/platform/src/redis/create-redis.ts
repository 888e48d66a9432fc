import Redis from 'ioredis';

export function createRedis(url: string): Redis {
  // Fail commands fast while Redis is away instead of queueing them without bound.
  return new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
}
