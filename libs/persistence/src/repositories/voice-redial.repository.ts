import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RedialPolicy, VOICE_REDIAL } from '@bin-alert/domain';
import { ALERT_CONTENT_COLUMNS, AlertContentRow, StoredAlertContent, alertContentFrom } from './alert-content';
import { NewOutboxRecord, OutboxRepository } from './outbox.repository';
import { queryRows } from './query-rows';

/** A voice delivery put back to planned, to be dialled again. */
export interface RedialledDelivery {
  id: string;
  memberId: string;
  /** Its redial number: 1 for the first redial. */
  redial: number;
  content: StoredAlertContent;
  /** The correlation id its alert was issued under (ADR 0010), for the redial's job. */
  correlationId: string | null;
}

@Injectable()
export class VoiceRedialRepository {
  constructor(
    private readonly db: DataSource,
    private readonly outbox: OutboxRepository,
  ) {}

  /**
   * Puts up to `limit` calls that went unanswered (or met a busy line) long enough ago back to
   * planned, and commits the jobs `toJobs` makes of them to the outbox in the same transaction:
   * a redial is never planned without its job, nor sent twice by two dispatchers (row locks,
   * SKIP LOCKED). The abandoned call's id is kept so its late callbacks are ignored, and the new
   * call is reconciled afresh (ADR 0039): its reconciliation is open from the redial on (ADR 0062;
   * its acceptance may keep the first call's `accepted_at`, which the reconciler's walk has passed). Which
   * deliveries move, and where to, is the domain's redialOf, in SQL: voice-redial.repository.int-spec.ts
   * runs the one against the other.
   */
  async planDueRedials(policy: RedialPolicy, limit: number, toJobs: (redialled: RedialledDelivery[]) => NewOutboxRecord[]): Promise<RedialledDelivery[]> {
    if (policy.maxRedials === 0) return [];
    return this.db.transaction(async (tx) => {
      const rows = await queryRows<AlertContentRow & { id: string; member_id: string; redials: number; correlation_id: string | null }>(
        tx,
        `WITH due AS (
             SELECT id FROM deliveries
              WHERE due = 'redial' AND channel = $5 AND status = ANY($1::text[]) AND redials < $2
                AND due_since <= now() - make_interval(secs => $3::double precision)
              ORDER BY due_since LIMIT $4
                FOR UPDATE SKIP LOCKED)
           UPDATE deliveries d
              SET status = $6, redials = d.redials + 1,
                  superseded_provider_ids = CASE WHEN d.provider_id IS NULL THEN d.superseded_provider_ids
                                                 ELSE array_append(d.superseded_provider_ids, d.provider_id) END,
                  provider_id = NULL, provider_status = NULL, provider_error_code = NULL, reason = NULL,
                  claimed_by = NULL, lease_until = NULL, call_started_at = NULL, status_updated_at = now(), updated_at = now(),
                  reconcile_at = now(), reconcile_checks = 0, reconcile_outcome = NULL
             FROM due, alerts a JOIN categories c ON c.code = a.category_code
            WHERE d.id = due.id AND a.id = d.alert_id
           RETURNING d.id, d.member_id, d.redials, a.correlation_id, ${ALERT_CONTENT_COLUMNS}`,
        [VOICE_REDIAL.from, policy.maxRedials, policy.delaySeconds, limit, VOICE_REDIAL.channel, VOICE_REDIAL.to],
      );
      const redialled = rows.map((r) => ({
        id: r.id,
        memberId: r.member_id,
        redial: r.redials,
        content: alertContentFrom(r),
        correlationId: r.correlation_id,
      }));
      await this.outbox.append(toJobs(redialled), tx);
      return redialled;
    });
  }
}
