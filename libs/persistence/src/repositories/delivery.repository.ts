import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Channel, Language, RecipientDecision, deliveryId } from '@bin-alert/domain';
import { queryRows } from './query-rows';

/** A delivery claimed for sending, with the address it goes to (never logged). */
export interface ClaimedDelivery {
  id: string;
  memberId: string;
  language: Language;
  to: string | null;
}

export interface DeliveryOutcome {
  id: string;
  status: 'accepted' | 'failed';
  providerId?: string;
  reason?: string;
}

@Injectable()
export class DeliveryRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Writes one row per decision in a single statement: planned for those to contact, suppressed
   * with the reason for the others. Ids are deterministic, so a second planning pass of the same
   * alert (a redelivered event) inserts nothing. Returns the number of rows actually inserted.
   */
  async recordDecisions(alertId: string, decisions: RecipientDecision[]): Promise<number> {
    if (decisions.length === 0) return 0;
    const cols = { id: [] as string[], member: [] as string[], channel: [] as string[], status: [] as string[], reason: [] as (string | null)[], contact: [] as (string | null)[], language: [] as (string | null)[] };
    for (const d of decisions) {
      cols.id.push(deliveryId(alertId, d.memberId, d.channel));
      cols.member.push(d.memberId);
      cols.channel.push(d.channel);
      cols.status.push(d.send ? 'planned' : 'suppressed');
      cols.reason.push(d.send ? null : d.reason);
      cols.contact.push(d.send ? d.contactId : null);
      cols.language.push(d.send ? d.language : null);
    }
    const inserted = await queryRows<{ id: string }>(
      this.db,
      `INSERT INTO deliveries (id, alert_id, member_id, channel, status, reason, contact_point_id, language)
       SELECT id, $2::uuid, member_id, channel, status, reason, contact_point_id, language
         FROM unnest($1::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::text[])
              AS t(id, member_id, channel, status, reason, contact_point_id, language)
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [cols.id, alertId, cols.member, cols.channel, cols.status, cols.reason, cols.contact, cols.language],
    );
    return inserted.length;
  }

  /**
   * Moves up to `limit` planned deliveries to "sending" and returns them. SKIP LOCKED lets
   * several dispatcher instances claim disjoint pages; a delivery leaves "planned" exactly once,
   * which is what keeps a redelivered alert event from sending anything twice.
   */
  async claimPlanned(alertId: string, channel: Channel, limit: number): Promise<ClaimedDelivery[]> {
    const rows = await queryRows<{ id: string; member_id: string; language: Language; to: string | null }>(
      this.db,
      `WITH picked AS (
         SELECT id FROM deliveries
          WHERE alert_id = $1 AND channel = $2 AND status = 'planned'
          ORDER BY id LIMIT $3
          FOR UPDATE SKIP LOCKED)
       UPDATE deliveries d
          SET status = 'sending', claimed_at = now(), updated_at = now(), attempts = d.attempts + 1
         FROM picked
        WHERE d.id = picked.id
       RETURNING d.id, d.member_id, d.language,
                 (SELECT cp.value FROM contact_points cp WHERE cp.id = d.contact_point_id) AS "to"`,
      [alertId, channel, limit],
    );
    return rows.map((r) => ({ id: r.id, memberId: r.member_id, language: r.language, to: r.to }));
  }

  async recordOutcomes(outcomes: DeliveryOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    await this.db.query(
      `UPDATE deliveries d
          SET status = o.status, provider_id = o.provider_id, reason = o.reason, updated_at = now(),
              accepted_at = CASE WHEN o.status = 'accepted' THEN now() ELSE d.accepted_at END
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS o(id, status, provider_id, reason)
        WHERE d.id = o.id AND d.status = 'sending'`,
      [outcomes.map((o) => o.id), outcomes.map((o) => o.status), outcomes.map((o) => o.providerId ?? null), outcomes.map((o) => o.reason ?? null)],
    );
  }
}
