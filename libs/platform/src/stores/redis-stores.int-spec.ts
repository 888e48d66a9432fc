import { storesContract } from '../../../../test/support/stores.contract';
import { testConfig } from '../../../../bench/src/support/test-config';
import { createRedis } from '../redis/create-redis';
import { redisStores } from './redis-stores';

storesContract('Redis', async () => redisStores(createRedis(testConfig().REDIS_URL)));
