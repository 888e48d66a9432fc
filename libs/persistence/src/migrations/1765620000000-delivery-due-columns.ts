import { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * What a delivery waits for, as the sweeps and the jobs ask for it. Each condition is the
 * predicate of the index it replaces, word for word.
 */
export const SEND = `status IN ('planned', 'sending') AND deferred_until IS NULL`;
export const RELEASE = `status = 'planned' AND deferred_until IS NOT NULL`;
const RECONCILE = `channel IN ('sms', 'voice') AND status IN ('accepted', 'sent', 'deferred', 'answered') AND reconcile_outcome IS NULL`;
export const FALLBACK = `channel = 'sms' AND status IN ('failed', 'undelivered') AND fallback IS NULL`;
export const REDIAL = `channel = 'voice' AND status IN ('no_answer', 'busy')`;

/**
 * Status changes as HOT updates (issue 10; ADR 0046). PostgreSQL writes an update in place of
 * index entries (HOT) only when no column any index mentions changes, predicates included. The
 * due-indexes had `status` in their predicates and `updated_at` or `status_updated_at` as keys,
 * and every update sets one of them, so each status change added an entry to every index of the
 * table. Now they name two generated columns instead: `due` (what the delivery waits for: to be
 * sent, released, reconciled, to have its fallback decided, redialled; null for nothing) and
 * `due_since` (the time each sweep orders by). A move that keeps a delivery in its set (the claim
 * of a planned delivery, an SMS going from accepted to sent, an e-mail's every callback) changes
 * neither, so it is HOT; only entering or leaving a set costs index entries.
 *
 * `due_since` for a reconciliation is the earlier of acceptance and last change (the acceptance,
 * in practice, and stable while the callbacks move the delivery on): never later than
 * `updated_at`, so the reconciler's "unchanged for N seconds" is a range of this index, filtered
 * on `updated_at`. For a failed SMS it is its last change (nothing changes it before the fallback
 * is decided), for an unanswered call the change of status, as the old keys were.
 *
 * Adding stored generated columns rewrites the table under an exclusive lock, so the indexes are
 * built in the same transaction (CONCURRENTLY would not shorten that lock); the rewrite also gives
 * every existing page the fillfactor of ADR 0043. The old indexes go first so the rewrite does not
 * rebuild them.
 */
export class DeliveryDueColumns1765620000000 implements MigrationInterface {
  name = 'DeliveryDueColumns1765620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX deliveries_job_unsent, deliveries_deferred, deliveries_reconcile_due, deliveries_fallback_due, deliveries_voice_redial_due;
      ALTER TABLE deliveries
        ADD COLUMN due text GENERATED ALWAYS AS (CASE
          WHEN ${SEND} THEN 'send'
          WHEN ${RELEASE} THEN 'release'
          WHEN ${RECONCILE} THEN 'reconcile'
          WHEN ${FALLBACK} THEN 'fallback'
          WHEN ${REDIAL} THEN 'redial' END) STORED,
        ADD COLUMN due_since timestamptz GENERATED ALWAYS AS (CASE
          WHEN ${RECONCILE} THEN LEAST(accepted_at, updated_at)
          WHEN ${FALLBACK} THEN updated_at
          WHEN ${REDIAL} THEN status_updated_at END) STORED;
      CREATE INDEX deliveries_job_unsent ON deliveries (alert_id, channel, job_partition, member_id) WHERE due = 'send';
      CREATE INDEX deliveries_deferred ON deliveries (channel, deferred_until) WHERE due = 'release';
      CREATE INDEX deliveries_reconcile_due ON deliveries (due_since) WHERE due = 'reconcile';
      CREATE INDEX deliveries_fallback_due ON deliveries (due_since) WHERE due = 'fallback';
      CREATE INDEX deliveries_voice_redial_due ON deliveries (due_since) WHERE due = 'redial';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX deliveries_job_unsent, deliveries_deferred, deliveries_reconcile_due, deliveries_fallback_due, deliveries_voice_redial_due;
      ALTER TABLE deliveries DROP COLUMN due, DROP COLUMN due_since;
      CREATE INDEX deliveries_job_unsent ON deliveries (alert_id, channel, job_partition, member_id) WHERE ${SEND};
      CREATE INDEX deliveries_deferred ON deliveries (channel, deferred_until) WHERE ${RELEASE};
      CREATE INDEX deliveries_reconcile_due ON deliveries (updated_at) WHERE ${RECONCILE};
      CREATE INDEX deliveries_fallback_due ON deliveries (updated_at) WHERE ${FALLBACK};
      CREATE INDEX deliveries_voice_redial_due ON deliveries (status_updated_at) WHERE ${REDIAL};
    `);
  }
}
