import { DataSource, DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { InitialSchema1764400000000 } from './migrations/1764400000000-initial-schema';
import { AalstReferenceData1764400000001 } from './migrations/1764400000001-aalst-reference-data';
import { DeliveryTracking1764400000002 } from './migrations/1764400000002-delivery-tracking';
import { DeliveryLeases1764400000003 } from './migrations/1764400000003-delivery-leases';
import { VoiceRedialsAndOutboxPartitions1764400000004 } from './migrations/1764400000004-voice-redials-and-outbox-partitions';
import { StaffAccountsAndAuditLog1764500000000 } from './migrations/1764500000000-staff-accounts-and-audit-log';
import { AlertLifecycle1764600000000 } from './migrations/1764600000000-alert-lifecycle';
import { MembershipAndPreferences1764700000000 } from './migrations/1764700000000-membership-and-preferences';
import { AlertCorrelationId1764800000000 } from './migrations/1764800000000-alert-correlation-id';
import { SetBasedPlanning1764950000000 } from './migrations/1764950000000-set-based-planning';
import { AlertTraceContext1765000000000 } from './migrations/1765000000000-alert-trace-context';
import { CapDetails1765100000000 } from './migrations/1765100000000-cap-details';
import { DeliveryCallFence1765200000000 } from './migrations/1765200000000-delivery-call-fence';
import { VoiceCodeNotices1765300000000 } from './migrations/1765300000000-voice-code-notices';
import { Retention1765400000000 } from './migrations/1765400000000-retention';
import { ChannelFallback1765500000000 } from './migrations/1765500000000-channel-fallback';
import { DeliveryRoute1765510000000 } from './migrations/1765510000000-delivery-route';
import { DeliveryReconciliation1765520000000 } from './migrations/1765520000000-delivery-reconciliation';
import { DeliveryHotUpdates1765600000000 } from './migrations/1765600000000-delivery-hot-updates';
import { DeliveryJobIndex1765610000000 } from './migrations/1765610000000-delivery-job-index';
import { DeliveryDueColumns1765620000000 } from './migrations/1765620000000-delivery-due-columns';

export const MIGRATIONS = [
  InitialSchema1764400000000,
  AalstReferenceData1764400000001,
  DeliveryTracking1764400000002,
  DeliveryLeases1764400000003,
  VoiceRedialsAndOutboxPartitions1764400000004,
  StaffAccountsAndAuditLog1764500000000,
  AlertLifecycle1764600000000,
  MembershipAndPreferences1764700000000,
  AlertCorrelationId1764800000000,
  SetBasedPlanning1764950000000,
  AlertTraceContext1765000000000,
  CapDetails1765100000000,
  DeliveryCallFence1765200000000,
  VoiceCodeNotices1765300000000,
  Retention1765400000000,
  ChannelFallback1765500000000,
  DeliveryRoute1765510000000,
  DeliveryReconciliation1765520000000,
  DeliveryHotUpdates1765600000000,
  DeliveryJobIndex1765610000000,
  DeliveryDueColumns1765620000000,
];

export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    // The schema comes from migrations only.
    synchronize: false,
    migrationsRun: false,
    extra: { max: poolSize, application_name: 'bin-alert' },
    logging: ['error'],
  };
}

/** Any key fits, as long as every app uses the same one: it serialises concurrent start-ups. */
const MIGRATION_LOCK_KEY = 7_240_202_2;

/**
 * Several apps may start at once against an empty database; the advisory lock lets exactly one
 * of them migrate while the others wait and then find nothing left to do.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  // The lock holds one pooled connection while runMigrations takes another.
  const poolSize = (dataSource.options.extra as { max?: number } | undefined)?.max ?? 10;
  if (poolSize < 2) throw new Error('migrate() needs a DataSource with a pool of at least 2 connections');
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'all' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

export async function openDataSource(url: string, poolSize?: number): Promise<DataSource> {
  return new DataSource(dataSourceOptions(url, poolSize)).initialize();
}
