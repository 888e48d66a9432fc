import { Provider } from '@nestjs/common';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { READINESS_CHECKS, REDIS, ReadinessCheck } from '@bin-alert/platform';
import { KafkaMessageBus } from './kafka-message-bus';
import { MESSAGE_BUS } from './messaging.module';

/** Readiness of an app that uses PostgreSQL, Redis and Kafka: each answers a trivial request. */
export const POSTGRES_REDIS_KAFKA_READINESS: Provider = {
  provide: READINESS_CHECKS,
  useFactory: (db: DataSource, redis: Redis, bus: KafkaMessageBus): ReadinessCheck[] => [
    { name: 'postgres', check: async () => void (await db.query('SELECT 1')) },
    { name: 'redis', check: async () => void (await redis.ping()) },
    { name: 'kafka', check: () => bus.ping() },
  ],
  inject: [DataSource, REDIS, MESSAGE_BUS],
};
