import { DynamicModule, MiddlewareConsumer, Module, NestModule, OnApplicationShutdown, Provider, RequestMethod } from '@nestjs/common';
import { HealthController } from '../health/health.controller';
import { AppMetrics } from '../metrics/app-metrics';
import { DrainCoordinator } from '../lifecycle/drain-coordinator';
import { MetricsController } from '../metrics/metrics.controller';
import { REQUEST_WORK_CONTEXT, RequestContextMiddleware } from './request-context.middleware';
import { flushTracing } from '../tracing/tracing';

export interface ObservabilityOptions {
  /** The app's name, the `app` label of its metrics. */
  app: string;
  /** Its READINESS_CHECKS provider (e.g. POSTGRES_REDIS_KAFKA_READINESS); none means always ready. */
  readiness?: Provider;
  /**
   * False: a request's correlation id is still echoed and its time measured, but the request is
   * not run in the work's context (no correlation id in its log lines, no server span). For an app
   * whose log lines need no correlation and which makes promises per message: once one request has
   * run in the context, Node 20 runs the context's promise hook for every promise of the process
   * (ADR 0060), which cost the provider simulator ~15-25 % of its CPU per status callback (ADR 0069).
   */
  workContext?: boolean;
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
        { provide: REQUEST_WORK_CONTEXT, useValue: options.workContext ?? true },
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
