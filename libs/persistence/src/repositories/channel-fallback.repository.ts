import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import {
  ContactFacts,
  DISPATCH_MOVES,
  DeliveryStatus,
  FALLBACK_CHANNELS,
  FallbackChannel,
  FallbackFacts,
  FallbackOutcome,
  Language,
  MemberFacts,
  MembershipStatus,
  QuietHoursBehaviour,
  deliveryId,
  fallbackChannelFor,
} from '@bin-alert/domain';
import { ALERT_CONTENT_COLUMNS, AlertContentRow, StoredAlertContent, alertContentFrom } from './alert-content';
import { NewOutboxRecord, OutboxRepository } from './outbox.repository';
import { queryRows } from './query-rows';

/** A fallback delivery written by a sweep, with what its job needs. */
export interface FallbackDelivery {
  id: string;
  memberId: string;
  channel: FallbackChannel;
  content: StoredAlertContent;
  /** Set only when the rule holds it (never for an urgent alert); the deferred-delivery releaser emits it then. */
  deferredUntil: Date | null;
  /** The correlation id its alert was issued under (ADR 0010), for the job. */
  correlationId: string | null;
}

export interface FallbackSweep {
  /** Failed SMS whose fallback this pass decided. */
  decided: number;
  /** Per outcome: the channel written, or why none. */
  outcomes: Partial<Record<FallbackOutcome, number>>;
}

type PlannedFallback = FallbackDelivery & { contactId: string; language: Language };

type FailedSmsRow = AlertContentRow & {
  sms_id: string;
  correlation_id: string | null;
  member_id: string | null;
  ended_at: Date;
  bin_ids: string[];
  cancelled: boolean;
  quiet_hours: QuietHoursBehaviour;
  language: Language | null;
  is_test_group: boolean | null;
  quiet_hours_start: string | null;
  quiet_hours_end: string | null;
  memberships: Array<{ binId: string; status: MembershipStatus }> | null;
  contacts: Array<{ kind: 'phone' | 'email'; id: string; verified: boolean }> | null;
};

const CONTACT_CHANNEL: Record<'phone' | 'email', FallbackChannel> = { phone: 'voice', email: 'email' };

/**
 * The channel fallback of urgent alerts (ADR 0031), as a set-based sweep over SMS deliveries that
 * ended failed or undelivered and whose fallback is not decided yet. One pass, one transaction:
 * the SMS rows are locked (SKIP LOCKED, so that sweeps on several instances split them), the facts
 * read, libs/domain's fallbackChannelFor decides, the fallback rows are written with their jobs
 * in the outbox, and each SMS records its outcome. A pass that fails before its commit leaves
 * every SMS undecided for the next one; after it, the outbox relay publishes the jobs however
 * often it must, and the senders' claims send each delivery once. So each failed SMS gets its
 * fallback decided, and sent, once, whichever process dies when.
 */
@Injectable()
export class ChannelFallbackRepository {
  constructor(
    private readonly db: DataSource,
    private readonly outbox: OutboxRepository,
  ) {}

  /** Decides the fallback of up to `limit` failed SMS; the jobs `toJobs` makes of the fallbacks due now go to the outbox in the same transaction. */
  async sweep(now: Date, limit: number, toJobs: (due: FallbackDelivery[]) => NewOutboxRecord[]): Promise<FallbackSweep> {
    return this.db.transaction(async (tx) => {
      const failed = await queryRows<FailedSmsRow>(
        tx,
        `SELECT s.id AS sms_id, s.member_id, GREATEST(s.status_updated_at, s.updated_at) AS ended_at, ${ALERT_CONTENT_COLUMNS}, a.correlation_id, c.quiet_hours,
                ARRAY(SELECT ab.bin_id FROM alert_bins ab WHERE ab.alert_id = a.id) AS bin_ids,
                -- AlertRepository's rule: a cancel of the chain ends every alert in it.
                EXISTS (SELECT 1 FROM alerts x WHERE x.message_type = 'cancel' AND x.status = 'issued'
                         AND x.audience_alert_id = COALESCE(a.audience_alert_id, a.id) AND x.id <> a.id) AS cancelled,
                m.language, m.is_test_group, m.quiet_hours_start, m.quiet_hours_end,
                (SELECT json_agg(json_build_object('binId', ms.bin_id, 'status', ms.status)) FROM memberships ms WHERE ms.member_id = m.id) AS memberships,
                (SELECT json_agg(json_build_object('kind', cp.kind, 'id', cp.id, 'verified', cp.verified_at IS NOT NULL))
                   FROM contact_points cp WHERE cp.member_id = m.id AND cp.kind IN ('phone', 'email')) AS contacts
           FROM deliveries s
           JOIN alerts a ON a.id = s.alert_id JOIN categories c ON c.code = a.category_code
           LEFT JOIN members m ON m.id = s.member_id
          -- SMS that ended failed or undelivered, fallback undecided (ADR 0046's generated column).
          WHERE s.due = 'fallback'
          ORDER BY s.due_since LIMIT $1
          FOR UPDATE OF s SKIP LOCKED`,
        [limit],
      );
      if (failed.length === 0) return { decided: 0, outcomes: {} };

      const others = await this.otherDeliveries(tx, failed);
      const outcomes: FallbackOutcome[] = [];
      const planned: PlannedFallback[] = [];
      const plannedFor: Array<PlannedFallback | null> = [];
      for (const row of failed) {
        const decision = fallbackChannelFor(factsOf(row, others), now);
        outcomes.push(decision.channel ?? decision.reason);
        if (decision.channel === null) {
          plannedFor.push(null);
          continue;
        }
        const memberId = row.member_id as string;
        const fallback: PlannedFallback = {
          id: deliveryId(row.alert_id, memberId, decision.channel),
          memberId,
          channel: decision.channel,
          contactId: decision.contactId,
          language: decision.language,
          deferredUntil: decision.deferredUntil,
          content: alertContentFrom(row),
          correlationId: row.correlation_id,
        };
        planned.push(fallback);
        plannedFor.push(fallback);
      }

      const written = await this.writeFallbacks(tx, planned);
      // A row another writer changed between the read and the upsert (its channel's own planning) reaches the member already.
      plannedFor.forEach((p, i) => {
        if (p && !written.has(p.id)) outcomes[i] = 'already_reached';
      });
      const dueNow = planned.filter((d) => written.has(d.id) && d.deferredUntil === null);
      await this.outbox.append(toJobs(dueNow), tx);

      await tx.query(`UPDATE deliveries d SET fallback = o.outcome, updated_at = now() FROM unnest($1::uuid[], $2::text[]) AS o(id, outcome) WHERE d.id = o.id`, [
        failed.map((r) => r.sms_id),
        outcomes,
      ]);
      const counts: Partial<Record<FallbackOutcome, number>> = {};
      for (const o of outcomes) counts[o] = (counts[o] ?? 0) + 1;
      return { decided: failed.length, outcomes: counts };
    });
  }

  /** The alert's voice and e-mail deliveries to these members, by their ids (ADR 0004: the id is the key). */
  private async otherDeliveries(tx: EntityManager, failed: FailedSmsRow[]): Promise<Map<string, DeliveryStatus>> {
    const ids = failed.flatMap((r) => (r.member_id ? FALLBACK_CHANNELS.map((c) => deliveryId(r.alert_id, r.member_id as string, c)) : []));
    const rows = await queryRows<{ id: string; status: DeliveryStatus }>(tx, `SELECT id, status FROM deliveries WHERE id = ANY($1::uuid[])`, [ids]);
    return new Map(rows.map((r) => [r.id, r.status]));
  }

  /**
   * Inserts the fallback deliveries as planned, or turns the alert's own suppressed row for the
   * channel into one (the member had calls or e-mail off for the category, ADR 0031); a row that
   * is anything but suppressed is left alone. Returns the ids written.
   */
  private async writeFallbacks(tx: EntityManager, planned: PlannedFallback[]): Promise<Set<string>> {
    if (planned.length === 0) return new Set();
    const rows = await queryRows<{ id: string }>(
      tx,
      `INSERT INTO deliveries (id, alert_id, member_id, channel, status, contact_point_id, language, deferred_until, origin)
       SELECT id, alert_id, member_id, channel, $8::text, contact_point_id, language, deferred_until, 'fallback_from_sms'
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::text[], $7::timestamptz[])
              AS t(id, alert_id, member_id, channel, contact_point_id, language, deferred_until)
       ON CONFLICT (id) DO UPDATE
          SET status = $8::text, reason = NULL, contact_point_id = EXCLUDED.contact_point_id, language = EXCLUDED.language,
              deferred_until = EXCLUDED.deferred_until, origin = EXCLUDED.origin, updated_at = now()
        WHERE deliveries.status = ANY($9::text[])
       RETURNING id`,
      [
        planned.map((d) => d.id),
        planned.map((d) => d.content.alertId),
        planned.map((d) => d.memberId),
        planned.map((d) => d.channel),
        planned.map((d) => d.contactId),
        planned.map((d) => d.language),
        planned.map((d) => d.deferredUntil),
        DISPATCH_MOVES.fallback.to,
        DISPATCH_MOVES.fallback.from,
      ],
    );
    return new Set(rows.map((r) => r.id));
  }
}

function factsOf(row: FailedSmsRow, others: Map<string, DeliveryStatus>): FallbackFacts {
  const contacts: Partial<Record<FallbackChannel, ContactFacts>> = {};
  for (const c of row.contacts ?? []) contacts[CONTACT_CHANNEL[c.kind]] = { id: c.id, verified: c.verified };
  // A delivery past retention has no member left: no memberships, so outside the audience.
  const member: MemberFacts = {
    memberId: row.member_id ?? '',
    language: row.language ?? 'nl',
    memberships: row.memberships ?? [],
    isTestGroup: row.is_test_group ?? false,
    contacts,
    choices: {},
    quietHours: row.quiet_hours_start && row.quiet_hours_end ? { start: row.quiet_hours_start, end: row.quiet_hours_end } : null,
  };
  const otherStatuses: FallbackFacts['others'] = {};
  if (row.member_id) {
    for (const channel of FALLBACK_CHANNELS) {
      const status = others.get(deliveryId(row.alert_id, row.member_id, channel));
      if (status) otherStatuses[channel] = { status };
    }
  }
  const content = alertContentFrom(row);
  return {
    smsEndedAt: new Date(row.ended_at),
    alert: {
      kind: content.kind,
      binIds: row.bin_ids,
      rule: content.categoryRule,
      urgency: content.urgency,
      quietHours: row.quiet_hours,
      followUp: content.messageType !== 'alert',
      expiresAt: content.expiresAt,
      cancelled: row.cancelled,
    },
    member,
    others: otherStatuses,
  };
}
