import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { createRedis } from '../redis/create-redis';
import { inMemoryStores } from './in-memory-stores';
import { redisStores } from './redis-stores';
import { Stores } from './stores';

export const STORES = Symbol('STORES');

let processStores: Stores | null = null;

/**
 * The one place where the stores are chosen: Redis in distributed mode (one client per app),
 * the memory of the process in standalone mode, shared by every app of the process as they
 * would share one Redis.
 */
export function createStores(config: Pick<AppConfig, 'BIN_ALERT_MODE' | 'REDIS_URL'>): Stores {
  if (config.BIN_ALERT_MODE !== 'standalone') return redisStores(createRedis(config.REDIS_URL));
  processStores ??= inMemoryStores();
  return { ...processStores, close: async () => undefined };
}

class StoresLifecycle implements OnApplicationShutdown {
  constructor(@Inject(STORES) private readonly stores: Stores) {}
  async onApplicationShutdown(): Promise<void> {
    await this.stores.close();
  }
}

@Module({})
export class StoresModule {
  static forRoot(config: Pick<AppConfig, 'BIN_ALERT_MODE' | 'REDIS_URL'>): DynamicModule {
    return {
      module: StoresModule,
      global: true,
      providers: [{ provide: STORES, useFactory: () => createStores(config) }, StoresLifecycle],
      exports: [STORES],
    };
  }
}
