import { hasWorkMark, withWorkMark } from '@bin-alert/platform';
import type { Pool, PoolClient } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
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
import { ContactPhoneValueIndex1765700000000 } from './migrations/1765700000000-contact-phone-value-index';
import { PlanningAudiences1765800000000 } from './migrations/1765800000000-planning-audiences';
import { ReconcileByAcceptedAt1765810000000 } from './migrations/1765810000000-reconcile-by-accepted-at';

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
  ContactPhoneValueIndex1765700000000,
  PlanningAudiences1765800000000,
  ReconcileByAcceptedAt1765810000000,
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

/**
 * Set while urgent work runs: its statements take the urgent connections (ADR 0053). A mark in the
 * work's context, which already carries the correlation id and the trace context: a storage of
 * its own would make every promise of the process pay once more (ADR 0060).
 */
const URGENT_WORK = Symbol('urgent connections');

/**
 * Runs `work` so that every statement it makes, through any repository, takes one of the
 * DataSource's urgent connections instead of waiting in the shared pool's queue behind the normal
 * lane's claims and outcome writes (ADR 0053). Without urgent connections it changes nothing.
 */
export function onUrgentConnections<T>(work: () => Promise<T>): Promise<T> {
  return withWorkMark(URGENT_WORK, work);
}

/**
 * `urgentPoolSize` connections apart from the shared pool, opened now and kept open (`min`), so
 * that urgent work neither queues behind normal statements nor waits for a backend to start. TypeORM
 * takes every connection through the driver's obtainMasterConnection (query runners, transactions,
 * DataSource.query): that is where the pool is chosen.
 */
async function openUrgentConnections(ds: DataSource, size: number): Promise<void> {
  const driver = ds.driver as PostgresDriver & { master: Pool };
  const shared = driver.master;
  const PoolOf = shared.constructor as new (options: Pool['options']) => Pool;
  const urgent = new PoolOf({ ...shared.options, max: size, min: size, application_name: `${shared.options.application_name ?? 'bin-alert'}-urgent` });
  urgent.on('error', () => undefined); // an idle connection's loss: the pool replaces it on demand
  const opened = await Promise.all(Array.from({ length: size }, () => urgent.connect()));
  for (const client of opened) client.release();
  const obtainShared = driver.obtainMasterConnection.bind(driver);
  driver.obtainMasterConnection = () =>
    hasWorkMark(URGENT_WORK)
      ? new Promise((ok, fail) =>
          urgent.connect((err: Error | undefined, client: PoolClient | undefined, release: (e?: Error) => void) => (err ? fail(err) : ok([client, release]))),
        )
      : obtainShared();
  const disconnect = driver.disconnect.bind(driver);
  driver.disconnect = async () => {
    await disconnect();
    await urgent.end();
  };
}

export async function openDataSource(url: string, poolSize?: number, urgentPoolSize = 0): Promise<DataSource> {
  const ds = await new DataSource(dataSourceOptions(url, poolSize)).initialize();
  if (urgentPoolSize > 0) await openUrgentConnections(ds, urgentPoolSize);
  return ds;
}
