import { Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { READINESS_CHECKS, ReadinessCheck, STORES, Stores } from '@bin-alert/platform';
import { KafkaMessageBus } from './kafka-message-bus';
import { MESSAGE_BUS, MessageBusDriver } from './messaging.module';

/**
 * Readiness of an app that uses PostgreSQL, Redis and Kafka: each answers a trivial request. In
 * standalone mode the checks are named after what stands in for Redis and Kafka.
 */
export const POSTGRES_REDIS_KAFKA_READINESS: Provider = {
  provide: READINESS_CHECKS,
  useFactory: (db: DataSource, stores: Stores, bus: MessageBusDriver): ReadinessCheck[] => [
    { name: 'postgres', check: async () => void (await db.query('SELECT 1')) },
    { name: stores.kind, check: () => stores.ping() },
    { name: bus instanceof KafkaMessageBus ? 'kafka' : 'in-process-bus', check: () => bus.ping() },
  ],
  inject: [DataSource, STORES, MESSAGE_BUS],
};
