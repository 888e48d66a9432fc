import { DynamicModule, MiddlewareConsumer, Module, NestModule, OnApplicationShutdown, Provider, RequestMethod } from '@nestjs/common';
import { HealthController } from '../health/health.controller';
import { AppMetrics } from '../metrics/app-metrics';
import { DrainCoordinator } from '../lifecycle/drain-coordinator';
import { MetricsController } from '../metrics/metrics.controller';
import { RequestContextMiddleware } from './request-context.middleware';
import { flushTracing } from '../tracing/tracing';

export interface ObservabilityOptions {
  /** The app's name, the `app` label of its metrics. */
  app: string;
  /** Its READINESS_CHECKS provider (e.g. POSTGRES_REDIS_KAFKA_READINESS); none means always ready. */
  readiness?: Provider;
}

/**
 * What every app imports once: `GET /metrics` (Prometheus), `GET /health`, `/health/live`,
 * `/health/ready` (503 from the first moment of a drain), request timing, and the correlation id of each request (ADR 0010).
 * AppMetrics is global, so any provider of the app can count what it does.
 */
@Module({})
export class ObservabilityModule implements NestModule, OnApplicationShutdown {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: AppMetrics, useFactory: () => new AppMetrics(options.app) },
        DrainCoordinator,
        RequestContextMiddleware,
        ...(options.readiness ? [options.readiness] : []),
      ],
      exports: [AppMetrics, DrainCoordinator],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestContextMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }

  /** The spans still queued leave before the process does (ADR 0020); a no-op without an exporter. */
  async onApplicationShutdown(): Promise<void> {
    await flushTracing();
  }
}
