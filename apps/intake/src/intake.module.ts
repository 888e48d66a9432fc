import { DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { KafkaMessageBus, MESSAGE_BUS, MessagingModule, OutboxRelay } from '@bin-alert/messaging';
import { OutboxRepository, PersistenceModule } from '@bin-alert/persistence';
import { AppConfig, ConfigModule, HealthController, READINESS_CHECKS, REDIS, ReadinessCheck, RedisModule } from '@bin-alert/platform';
import { AlertIssuingService, OUTBOX_RELAY } from './alerts/alert-issuing.service';
import { AlertsController } from './alerts/alerts.controller';
import { ReferenceController } from './reference/reference.controller';

@Injectable()
class OutboxRelayLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay) {}
  onApplicationBootstrap(): void {
    this.relay.start();
  }
  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}

@Module({})
export class IntakeModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: IntakeModule,
      imports: [
        ConfigModule.forRoot(config),
        PersistenceModule.forRoot({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }),
        MessagingModule.forRoot({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-intake` }),
        RedisModule.forRoot(config.REDIS_URL),
      ],
      controllers: [AlertsController, ReferenceController, HealthController],
      providers: [
        AlertIssuingService,
        {
          provide: OUTBOX_RELAY,
          useFactory: (outbox: OutboxRepository, bus: KafkaMessageBus) => new OutboxRelay(outbox, bus, config.OUTBOX_POLL_MS),
          inject: [OutboxRepository, MESSAGE_BUS],
        },
        OutboxRelayLifecycle,
        {
          provide: READINESS_CHECKS,
          useFactory: (db: DataSource, redis: Redis, bus: KafkaMessageBus): ReadinessCheck[] => [
            { name: 'postgres', check: async () => void (await db.query('SELECT 1')) },
            { name: 'redis', check: async () => void (await redis.ping()) },
            { name: 'kafka', check: () => bus.ping() },
          ],
          inject: [DataSource, REDIS, MESSAGE_BUS],
        },
      ],
    };
  }
}
