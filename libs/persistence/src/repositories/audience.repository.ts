import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AudienceCandidate, CONTACT_KIND_FOR_CHANNEL, Channel, Language } from '@bin-alert/domain';

export interface AudiencePageQuery {
  binIds: string[];
  channel: Channel;
  categoryCode: string;
  /** Keyset cursor: the last member id of the previous page, or null for the first page. */
  afterMemberId: string | null;
  limit: number;
  /** A test or exercise alert: members of the test group only. */
  testGroupOnly?: boolean;
}

export interface OriginalRecipientsQuery {
  /** The original alert whose recipients an update or cancel reaches. */
  originalAlertId: string;
  channel: Channel;
  afterMemberId: string | null;
  limit: number;
}

/**
 * Streams the members of the target BINs with what the preference rule needs for one channel,
 * one page at a time in member-id order. A member of two targeted BINs appears once.
 */
@Injectable()
export class AudienceRepository {
  constructor(private readonly db: DataSource) {}

  async candidatesPage(q: AudiencePageQuery): Promise<AudienceCandidate[]> {
    const rows: Array<{ member_id: string; language: Language; contact_id: string | null; verified: boolean; opted_out: boolean; preference: boolean | null; quiet_hours_start: string | null; quiet_hours_end: string | null }> =
      await this.db.query(
        `SELECT m.id AS member_id, m.language, cp.id AS contact_id, (cp.verified_at IS NOT NULL) AS verified, (cp.sms_opted_out_at IS NOT NULL) AS opted_out, p.enabled AS preference,
                m.quiet_hours_start, m.quiet_hours_end
           FROM members m
           LEFT JOIN contact_points cp ON cp.member_id = m.id AND cp.kind = $2
           LEFT JOIN preferences p ON p.member_id = m.id AND p.category_code = $3 AND p.channel = $4
          WHERE ($5::uuid IS NULL OR m.id > $5::uuid)
            AND EXISTS (SELECT 1 FROM memberships ms
                         WHERE ms.member_id = m.id AND ms.bin_id = ANY($1) AND ms.status = 'active')
            AND (NOT $7::boolean OR m.is_test_group)
          ORDER BY m.id
          LIMIT $6`,
        [q.binIds, CONTACT_KIND_FOR_CHANNEL[q.channel], q.categoryCode, q.channel, q.afterMemberId, q.limit, q.testGroupOnly ?? false],
      );
    return rows.map((r) => ({
      memberId: r.member_id,
      language: r.language,
      channel: q.channel,
      contact: r.contact_id ? { id: r.contact_id, verified: r.verified, optedOut: r.opted_out } : null,
      preference: r.preference,
      quietHours: r.quiet_hours_start && r.quiet_hours_end ? { start: r.quiet_hours_start, end: r.quiet_hours_end } : null,
    }));
  }

  /**
   * The second audience source, for updates and cancels: the members the original reached on this
   * channel (their delivery got to the provider, or is being handed to it right now: its job is
   * ahead of the follow-up's on the member's partition), at the contact point it went to, in the
   * language it was written in, with today's STOP state. Memberships, preferences and new members
   * play no part (ADR 0008).
   */
  async originalRecipientsPage(q: OriginalRecipientsQuery): Promise<AudienceCandidate[]> {
    const rows: Array<{ member_id: string; language: Language; contact_id: string | null; opted_out: boolean }> = await this.db.query(
      `SELECT d.member_id, d.language, cp.id AS contact_id, (cp.sms_opted_out_at IS NOT NULL) AS opted_out
         FROM deliveries d
         LEFT JOIN contact_points cp ON cp.id = d.contact_point_id
        WHERE d.alert_id = $1 AND d.channel = $2 AND (d.accepted_at IS NOT NULL OR d.status = 'sending')
          AND ($3::uuid IS NULL OR d.member_id > $3::uuid)
        ORDER BY d.member_id
        LIMIT $4`,
      [q.originalAlertId, q.channel, q.afterMemberId, q.limit],
    );
    return rows.map((r) => ({
      memberId: r.member_id,
      language: r.language,
      channel: q.channel,
      contact: r.contact_id ? { id: r.contact_id, verified: true, optedOut: r.opted_out } : null,
      preference: null,
    }));
  }
}
