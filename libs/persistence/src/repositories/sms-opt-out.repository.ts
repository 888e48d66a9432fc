import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SmsOptAction } from '@bin-alert/domain';

export interface SmsOptChangeRecord {
  /** The number the reply came from (E.164), matched against mobile contact points. Never stored again. */
  from: string;
  action: SmsOptAction;
  keyword: string;
  /** The inbound MessageSid: a repeated webhook for the same message records nothing twice. */
  providerMessageId: string;
  receivedAt: Date;
}

export interface SmsOptChangeResult {
  /** Members whose mobile number it is (two people may share one). */
  memberIds: string[];
  /** History rows written: 0 for an unknown number or a repeat of the same message. */
  recorded: number;
}

export interface SmsOptOutHistoryEntry {
  action: SmsOptAction;
  keyword: string;
  providerMessageId: string;
  receivedAt: Date;
}

/**
 * SMS opt-outs: the current state on the mobile contact point (`sms_opted_out_at`, since when),
 * and every STOP / START in `sms_opt_outs`, naming the member and contact point rather than
 * copying the number.
 */
@Injectable()
export class SmsOptOutRepository {
  constructor(private readonly db: DataSource) {}

  async record(change: SmsOptChangeRecord): Promise<SmsOptChangeResult> {
    return this.db.transaction(async (tx) => {
      const points: Array<{ id: string; member_id: string }> = await tx.query(
        `SELECT id, member_id FROM contact_points WHERE kind = 'mobile' AND value = $1 ORDER BY id FOR UPDATE`,
        [change.from],
      );
      if (points.length === 0) return { memberIds: [], recorded: 0 };
      const inserted: Array<{ contact_point_id: string }> = await tx.query(
        `INSERT INTO sms_opt_outs (member_id, contact_point_id, action, keyword, provider_message_id, received_at)
         SELECT member_id, contact_point_id, $3, $4, $5, $6 FROM unnest($1::uuid[], $2::uuid[]) AS t(member_id, contact_point_id)
         ON CONFLICT (provider_message_id, member_id) DO NOTHING
         RETURNING contact_point_id`,
        [points.map((p) => p.member_id), points.map((p) => p.id), change.action, change.keyword, change.providerMessageId, change.receivedAt],
      );
      if (inserted.length > 0) {
        await tx.query(
          `UPDATE contact_points
              SET sms_opted_out_at = CASE WHEN $2 = 'opt_out' THEN COALESCE(sms_opted_out_at, $3) ELSE NULL END
            WHERE id = ANY($1::uuid[])`,
          [inserted.map((r) => r.contact_point_id), change.action, change.receivedAt],
        );
      }
      return { memberIds: [...new Set(points.map((p) => p.member_id))], recorded: inserted.length };
    });
  }

  /** Since when the member has SMS blocked, or null. */
  async optedOutSince(memberId: string): Promise<Date | null> {
    const [row]: Array<{ since: Date | null }> = await this.db.query(`SELECT sms_opted_out_at AS since FROM contact_points WHERE member_id = $1 AND kind = 'mobile'`, [memberId]);
    return row?.since ?? null;
  }

  async history(memberId: string): Promise<SmsOptOutHistoryEntry[]> {
    const rows: Array<{ action: SmsOptAction; keyword: string; provider_message_id: string; received_at: Date }> = await this.db.query(
      `SELECT action, keyword, provider_message_id, received_at FROM sms_opt_outs WHERE member_id = $1 ORDER BY received_at, id`,
      [memberId],
    );
    return rows.map((r) => ({ action: r.action, keyword: r.keyword, providerMessageId: r.provider_message_id, receivedAt: r.received_at }));
  }
}
