import { Injectable } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';

/** What one sweep did, per table: rows pseudonymised (deliveries) or deleted (the others). */
export interface RetentionSweep {
  deliveriesPseudonymised: number;
  memberNoticesDeleted: number;
  smsOptOutsDeleted: number;
  outboxRecordsDeleted: number;
  auditEntriesDeleted: number;
}

/** Any key fits, as long as every instance uses the same one: one sweep at a time. */
const RETENTION_LOCK_KEY = 7_240_203_0;

/**
 * Ends what the retention period allows to be kept (ADR 0030). Deliveries stay, because the
 * reports count them, but lose everything that leads to a person: the member (its BINs are kept
 * in member_bins instead), the contact point and the provider's message ids (the provider's
 * logs hold the number behind them). Member notices, STOP history, relayed outbox records and
 * audit entries count in no report and are deleted. Set-based, in batches, so that a first sweep
 * over years of rows never holds long locks on tables the senders write.
 */
@Injectable()
export class RetentionRepository {
  constructor(private readonly db: DataSource) {}

  /** Null when another instance is sweeping: it does the same work, so this one need not wait. */
  async sweep(cutoff: Date, batchSize: number): Promise<RetentionSweep | null> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [RETENTION_LOCK_KEY]);
      if (!locked) return null;
      try {
        return {
          deliveriesPseudonymised: await inBatches(runner, PSEUDONYMISE_DELIVERIES, cutoff, batchSize),
          memberNoticesDeleted: await inBatches(runner, `DELETE FROM member_notices WHERE id IN (SELECT id FROM member_notices WHERE created_at < $1 LIMIT $2)`, cutoff, batchSize),
          smsOptOutsDeleted: await inBatches(runner, `DELETE FROM sms_opt_outs WHERE id IN (SELECT id FROM sms_opt_outs WHERE received_at < $1 LIMIT $2)`, cutoff, batchSize),
          // Unrelayed records are left alone: they are a fault for an operator to see, not history.
          outboxRecordsDeleted: await inBatches(
            runner,
            `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE created_at < $1 AND (published_at IS NOT NULL OR dead_lettered_at IS NOT NULL) LIMIT $2)`,
            cutoff,
            batchSize,
          ),
          auditEntriesDeleted: await deleteAuditEntries(runner, cutoff, batchSize),
        };
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }
}

/**
 * member_bins holds every BIN the member had a membership row in, whatever its status: exactly
 * what the reports' membership test matched, so each delivery counts where it counted before.
 */
const PSEUDONYMISE_DELIVERIES = `
  UPDATE deliveries d
     SET member_bins = ARRAY(SELECT ms.bin_id FROM memberships ms WHERE ms.member_id = d.member_id ORDER BY ms.bin_id),
         member_id = NULL, contact_point_id = NULL, provider_id = NULL, superseded_provider_ids = '{}',
         provider_status = NULL, provider_error_code = NULL, claimed_by = NULL
   WHERE d.id IN (SELECT id FROM deliveries WHERE member_id IS NOT NULL AND created_at < $1 LIMIT $2)`;

async function inBatches(runner: QueryRunner, sql: string, cutoff: Date, batchSize: number): Promise<number> {
  let total = 0;
  for (;;) {
    const { affected } = await runner.query(sql, [cutoff, batchSize], true);
    total += affected ?? 0;
    if ((affected ?? 0) < batchSize) return total;
  }
}

/** The audit log refuses deletes unless the transaction names a cutoff, and then only of entries older than it. */
async function deleteAuditEntries(runner: QueryRunner, cutoff: Date, batchSize: number): Promise<number> {
  let total = 0;
  for (;;) {
    await runner.startTransaction();
    try {
      await runner.query(`SELECT set_config('bin_alert.audit_retention_cutoff', $1, true)`, [cutoff.toISOString()]);
      const { affected } = await runner.query(`DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < $1 ORDER BY id LIMIT $2)`, [cutoff, batchSize], true);
      await runner.commitTransaction();
      total += affected ?? 0;
      if ((affected ?? 0) < batchSize) return total;
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    }
  }
}
