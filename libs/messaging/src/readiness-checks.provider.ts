import { Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { READINESS_CHECKS, ReadinessCheck, STORES, Stores } from '@bin-alert/platform';
import { ConsumerHealth } from './consumer-supervision';
import { KafkaMessageBus } from './kafka-message-bus';
import { MESSAGE_BUS, MessageBusDriver } from './messaging.module';

/**
 * Readiness of an app that uses PostgreSQL, Redis and Kafka: each answers a trivial request, and
 * (on Kafka) every consumer of the process runs. In standalone mode the checks are named after
 * what stands in for Redis and Kafka.
 */
export const POSTGRES_REDIS_KAFKA_READINESS: Provider = {
  provide: READINESS_CHECKS,
  useFactory: (db: DataSource, stores: Stores, bus: MessageBusDriver): ReadinessCheck[] => [
    { name: 'postgres', check: async () => void (await db.query('SELECT 1')) },
    { name: stores.kind, check: () => stores.ping() },
    { name: bus instanceof KafkaMessageBus ? 'kafka' : 'in-process-bus', check: () => bus.ping() },
    ...(bus instanceof KafkaMessageBus ? [consumersRunning(bus)] : []),
  ],
  inject: [DataSource, STORES, MESSAGE_BUS],
};

/**
 * A consumer that crashed is restarted by its supervisor; until it runs again the app is not
 * ready, so that a crashed consumer is seen (it once stayed dead behind a 200).
 */
export function consumersRunning(bus: Pick<KafkaMessageBus, 'consumerHealth'>, now: () => number = Date.now): ReadinessCheck {
  return {
    name: 'consumers',
    check: async () => {
      const notRunning = bus.consumerHealth().filter((h) => h.state !== 'up');
      if (notRunning.length > 0) throw new Error(notRunning.map((h) => describe(h, now())).join('; '));
    },
  };
}

function describe(health: ConsumerHealth, now: number): string {
  const since = health.downSince === undefined ? '' : ` for ${Math.round((now - health.downSince) / 1000)} s`;
  return `${health.groupId} ${health.state}${since}${health.error ? ` (${health.error})` : ''}`;
}
