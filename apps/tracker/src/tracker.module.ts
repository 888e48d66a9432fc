import { DynamicModule, Module } from '@nestjs/common';
import { MessagingModule, POSTGRES_REDIS_KAFKA_READINESS } from '@bin-alert/messaging';
import { DeliveryReconciliationRepository, PersistenceModule } from '@bin-alert/persistence';
import { AppConfig, AppMetrics, ConfigModule, ObservabilityModule, StoresModule } from '@bin-alert/platform';
import { TwilioStatusLookup, providerSettingsFrom } from '@bin-alert/providers';
import { DeliveryReconciler, DeliveryStatusApplier, LiveCounters, STATUS_PUBLISHING_SETTINGS, StatusEventPublisher, WebhookStats } from '@bin-alert/tracking';
import { TRACKER_SETTINGS, reconciliationSettingsFrom, trackerSettingsFrom } from './tracker-settings';
import { SendGridWebhooksController } from './webhooks/sendgrid-webhooks.controller';
import { SendGridSignatureGuard, TwilioSignatureGuard } from './webhooks/signature-guards';
import { TwilioWebhooksController } from './webhooks/twilio-webhooks.controller';

@Module({})
export class TrackerModule {
  static forRoot(config: AppConfig): DynamicModule {
    // Built before anything connects, so that a bad key or an unsafe default stops the start-up.
    const settings = trackerSettingsFrom(config);
    return {
      module: TrackerModule,
      imports: [
        ConfigModule.forRoot(config),
        PersistenceModule.forRoot({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }),
        MessagingModule.forRoot({ brokers: config.KAFKA_BROKERS, clientId: `${config.KAFKA_CLIENT_ID}-tracker`, mode: config.BIN_ALERT_MODE }),
        StoresModule.forRoot(config),
        ObservabilityModule.forRoot({ app: 'tracker', readiness: POSTGRES_REDIS_KAFKA_READINESS }),
      ],
      controllers: [TwilioWebhooksController, SendGridWebhooksController],
      providers: [
        { provide: TRACKER_SETTINGS, useValue: settings },
        { provide: STATUS_PUBLISHING_SETTINGS, useValue: settings },
        WebhookStats,
        StatusEventPublisher,
        TwilioSignatureGuard,
        SendGridSignatureGuard,
        LiveCounters,
        DeliveryStatusApplier,
        {
          provide: DeliveryReconciler,
          useFactory: (repository: DeliveryReconciliationRepository, publisher: StatusEventPublisher, metrics: AppMetrics) =>
            new DeliveryReconciler(repository, new TwilioStatusLookup(providerSettingsFrom(config)), publisher, reconciliationSettingsFrom(config), metrics),
          inject: [DeliveryReconciliationRepository, StatusEventPublisher, AppMetrics],
        },
      ],
    };
  }
}
