import { DynamicModule, Inject, Injectable, MiddlewareConsumer, Module, NestModule, OnApplicationBootstrap, OnApplicationShutdown, RequestMethod } from '@nestjs/common';
import { MESSAGE_BUS, MessageBus, MessagingModule, OUTBOX_RELAY, POSTGRES_REDIS_KAFKA_READINESS, OutboxRelay, OutboxBacklogMetrics } from '@bin-alert/messaging';
import { OutboxRepository, PersistenceModule } from '@bin-alert/persistence';
import { APP_GUARD } from '@nestjs/core';
import {
  ACCOUNT_STANDING,
  AccessGuard,
  AppConfig,
  AppMetrics,
  ConfigModule,
  LoginThrottle,
  ObservabilityModule,
  OpenApiModule,
  RefuseUnsafeInputMiddleware,
  STORES,
  Stores,
  StoresModule,
} from '@bin-alert/platform';
import { AlertDashboardService, AlertIssuingService } from '@bin-alert/alerts';
import { AccountAdminService, LOGIN_THROTTLE, LoginService, StaffAccountStanding } from '@bin-alert/accounts';
import { MEMBER_CLOCK, MemberLinks, MembershipService, PreferenceService, RetentionSweeper } from '@bin-alert/membership';
import { ReportsService } from '@bin-alert/reports';
import { AlertsController } from './alerts/alerts.controller';
import { ReferenceController } from './reference/reference.controller';
import { AuthController } from './auth/auth.controller';
import { AccountsController } from './accounts/accounts.controller';
import { AuditController } from './audit/audit.controller';
import { ApplicationsController, BinMembersController, CategoriesController, InteriorNotificationsController, MemberLinksController } from './members/member.controllers';
import { ReportScope, ReportsController } from './reports/reports.controller';

export interface IntakeOptions {
  /** The clock of signed links and codes; tests move it forward. */
  clock?: () => Date;
}
import { ConsoleController } from './console/console.controller';
import { MemberPagesController } from './member-pages/member-pages.controller';
import { AlertOverviewController } from './dashboard/alert-overview.controller';
import { OpsController } from './dashboard/ops.controller';

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
export class IntakeModule implements NestModule {
  /** Intake is where text from people enters the system: no route reads a NUL or half a surrogate pair. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RefuseUnsafeInputMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }

  static forRoot(config: AppConfig, options: IntakeOptions = {}): DynamicModule {
    return {
      module: IntakeModule,
      imports: [
        ConfigModule.forRoot(config),
        PersistenceModule.forRoot({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }),
        MessagingModule.forRoot({
          brokers: config.KAFKA_BROKERS,
          sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
          clientId: `${config.KAFKA_CLIENT_ID}-intake`,
          mode: config.BIN_ALERT_MODE,
        }),
        StoresModule.forRoot(config),
        ObservabilityModule.forRoot({ app: 'intake', readiness: POSTGRES_REDIS_KAFKA_READINESS }),
        OpenApiModule.forRoot({
          title: 'BIN Alert intake API',
          version: '1',
          description: 'Alerts for Belgian neighbourhood information networks (BIN). Sign in with POST /v1/auth/token.',
        }),
      ],
      controllers: [
        AlertsController,
        ReferenceController,
        AuthController,
        AccountsController,
        AuditController,
        ApplicationsController,
        MemberLinksController,
        BinMembersController,
        CategoriesController,
        InteriorNotificationsController,
        ReportsController,
        AlertOverviewController,
        OpsController,
        ConsoleController,
        MemberPagesController,
      ],
      providers: [
        AlertIssuingService,
        {
          provide: OUTBOX_RELAY,
          useFactory: (outbox: OutboxRepository, bus: MessageBus, metrics: AppMetrics) => new OutboxRelay(outbox, bus, config.OUTBOX_POLL_MS, undefined, undefined, metrics),
          inject: [OutboxRepository, MESSAGE_BUS, AppMetrics],
        },
        OutboxRelayLifecycle,
        OutboxBacklogMetrics,
        { provide: APP_GUARD, useClass: AccessGuard },
        LoginService,
        AccountAdminService,
        { provide: ACCOUNT_STANDING, useClass: StaffAccountStanding },
        {
          provide: LOGIN_THROTTLE,
          useFactory: (stores: Stores) =>
            new LoginThrottle(stores.windows, {
              perUsername: config.AUTH_LOGIN_MAX_ATTEMPTS_PER_USERNAME,
              perIp: config.AUTH_LOGIN_MAX_ATTEMPTS_PER_IP,
              windowSeconds: config.AUTH_LOGIN_WINDOW_SECONDS,
            }),
          inject: [STORES],
        },
        { provide: MEMBER_CLOCK, useValue: options.clock ?? (() => new Date()) },
        MemberLinks,
        MembershipService,
        PreferenceService,
        ReportScope,
        ReportsService,
        AlertDashboardService,
        RetentionSweeper,
      ],
    };
  }
}
