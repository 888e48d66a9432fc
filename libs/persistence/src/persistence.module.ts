import { DynamicModule, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { openDataSource, migrate } from './data-source';
import { AlertRepository } from './repositories/alert.repository';
import { PlanningRepository } from './repositories/planning.repository';
import { DeliveryRepository } from './repositories/delivery.repository';
import { MemberRepository } from './repositories/member.repository';
import { OutboxRepository } from './repositories/outbox.repository';
import { ReferenceDataRepository } from './repositories/reference-data.repository';
import { DeliveryTrackingRepository } from './repositories/delivery-tracking.repository';
import { SmsOptOutRepository } from './repositories/sms-opt-out.repository';
import { VoiceRedialRepository } from './repositories/voice-redial.repository';
import { StaffAccountRepository } from './repositories/staff-account.repository';
import { AuditTrail } from './audit/audit-trail';
import { MembershipRepository } from './repositories/membership.repository';
import { PreferenceRepository } from './repositories/preference.repository';
import { MemberNoticeRepository } from './repositories/member-notice.repository';
import { ReportRepository } from './repositories/report.repository';
import { AlertOverviewRepository } from './repositories/alert-overview.repository';
import { RetentionRepository } from './repositories/retention.repository';
import { ChannelFallbackRepository } from './repositories/channel-fallback.repository';
import { DeliveryReconciliationRepository } from './repositories/delivery-reconciliation.repository';

const REPOSITORIES = [
  AlertRepository,
  PlanningRepository,
  DeliveryRepository,
  MemberRepository,
  OutboxRepository,
  ReferenceDataRepository,
  DeliveryTrackingRepository,
  SmsOptOutRepository,
  VoiceRedialRepository,
  StaffAccountRepository,
  AuditTrail,
  MembershipRepository,
  PreferenceRepository,
  MemberNoticeRepository,
  ReportRepository,
  AlertOverviewRepository,
  RetentionRepository,
  ChannelFallbackRepository,
  DeliveryReconciliationRepository,
];

@Injectable()
class DataSourceLifecycle implements OnApplicationShutdown {
  constructor(private readonly db: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.db.isInitialized) await this.db.destroy();
  }
}

/** One DataSource per process, migrated before anything uses it. */
@Module({})
export class PersistenceModule {
  /** `urgentPoolSize`: connections kept apart for urgent work (onUrgentConnections, ADR 0053); none by default. */
  static forRoot(options: { url: string; poolSize?: number; urgentPoolSize?: number }): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      providers: [
        {
          provide: DataSource,
          useFactory: async () => {
            const ds = await openDataSource(options.url, options.poolSize, options.urgentPoolSize);
            await migrate(ds);
            return ds;
          },
        },
        DataSourceLifecycle,
        ...REPOSITORIES,
      ],
      exports: [DataSource, ...REPOSITORIES],
    };
  }
}
