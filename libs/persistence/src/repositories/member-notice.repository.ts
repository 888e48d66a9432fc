import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Language, MemberNoticeKind } from '@bin-alert/domain';
import { queryRows } from './query-rows';

/** A notice claimed for sending, with the address it goes to (never logged). */
export interface ClaimedNotice {
  id: string;
  kind: MemberNoticeKind;
  memberId: string;
  language: Language;
  contactId: string | null;
  to: string | null;
  categoryCode: string | null;
  categoryName: string | null;
}

@Injectable()
export class MemberNoticeRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Takes a planned notice for sending. A notice is sent at most once: a redelivered event, or
   * a second instance, finds it taken. (One that dies mid-send leaves it `sending`; a member asks
   * for a new code or link rather than getting two.)
   */
  async claim(id: string): Promise<ClaimedNotice | null> {
    const rows = await queryRows<{
      id: string;
      kind: MemberNoticeKind;
      member_id: string;
      language: Language;
      contact_point_id: string | null;
      to: string | null;
      category_code: string | null;
      category_name: string | null;
    }>(
      this.db,
      `UPDATE member_notices n SET status = 'sending'
         FROM members m
        WHERE n.id = $1 AND n.status = 'planned' AND m.id = n.member_id AND m.erased_at IS NULL
       RETURNING n.id, n.kind, n.member_id, m.language, n.contact_point_id, n.category_code,
                 (SELECT cp.value FROM contact_points cp WHERE cp.id = n.contact_point_id) AS "to",
                 (SELECT c.name FROM categories c WHERE c.code = n.category_code) AS category_name`,
      [id],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id,
      kind: r.kind,
      memberId: r.member_id,
      language: r.language,
      contactId: r.contact_point_id,
      to: r.to,
      categoryCode: r.category_code,
      categoryName: r.category_name,
    };
  }

  async record(id: string, outcome: { status: 'sent' | 'failed'; providerId?: string; reason?: string }): Promise<void> {
    await this.db.query(`UPDATE member_notices SET status = $2, provider_id = $3, reason = $4, sent_at = CASE WHEN $2 = 'sent' THEN now() END WHERE id = $1`, [
      id,
      outcome.status,
      outcome.providerId ?? null,
      outcome.reason ?? null,
    ]);
  }
}
