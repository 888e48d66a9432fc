import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AUDIT_ACTIONS, AuditEntry } from '@bin-alert/domain';
import { AuditTrail } from '../audit/audit-trail';
import { MemberNoticeKind, MemberNoticeV1Like, MembershipRole, MembershipStatus, Language, pseudonymFor } from './membership-types';
import { queryRows } from './query-rows';

export interface MembershipApplication {
  displayName: string;
  language: Language;
  binIds: string[];
  email: string | null;
  mobile: string | null;
  /** A phone for calls (landline or mobile), E.164. */
  phone?: string | null;
  consentAt: Date;
}

/** A contact confirmed by a code (the SMS to a mobile, the call to a phone), and the notice that carries it. */
export type CodedContactKind = 'mobile' | 'phone';
export const CODE_NOTICE: Record<CodedContactKind, 'sms_code' | 'voice_code'> = { mobile: 'sms_code', phone: 'voice_code' };

export interface MembershipView {
  memberId: string;
  binId: string;
  role: MembershipRole;
  status: MembershipStatus;
  contacts: Array<{ id: string; kind: string; verified: boolean }>;
}

export interface MemberListing {
  memberId: string;
  displayName: string;
  binId: string;
  role: MembershipRole;
  status: MembershipStatus;
  appliedAt: Date;
  approvedAt: Date | null;
  contacts: Array<{ kind: string; verified: boolean }>;
}

export interface InteriorNotification {
  id: string;
  binId: string;
  event: string;
  displayName: string;
  occurredAt: Date;
  recordedBy: string;
  sentAt: Date | null;
  sentBy: string | null;
}

/** Where one contact of an application stands: not given, waiting for confirmation, confirmed. */
export type ContactProgress = 'none' | 'pending' | 'done';

export const MEMBER_NOTICES_TOPIC = 'bin.member-notices.v1';

/**
 * A membership from application to resignation (ADR 0011). Every change that must not be half
 * done — an application with its contacts and the notices that confirm them, a resignation with
 * the erasure it causes — is one transaction, and its audit line (issue 4 item 7) is written in
 * it: the change and its audit line commit or roll back together.
 */
@Injectable()
export class MembershipRepository {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditTrail = new AuditTrail(db),
  ) {}

  /** The audit line names the new member: its id exists only once the row does. */
  async apply(application: MembershipApplication, audit: Omit<AuditEntry, 'target'>): Promise<{ memberId: string; noticeIds: string[] }> {
    return this.db.transaction(async (tx) => {
      const [{ id: memberId }] = await tx.query(`INSERT INTO members (display_name, language, consent_at) VALUES ($1, $2, $3) RETURNING id`, [
        application.displayName,
        application.language,
        application.consentAt,
      ]);
      await tx.query(`INSERT INTO memberships (member_id, bin_id, role, status, approved_at) SELECT $1, unnest($2::text[]), 'member', 'applied', NULL`, [
        memberId,
        application.binIds,
      ]);
      const notices: Array<{ kind: MemberNoticeKind; contactId: string }> = [];
      for (const [kind, value, notice] of [
        ['email', application.email, 'email_confirmation'],
        ['mobile', application.mobile, CODE_NOTICE.mobile],
        ['phone', application.phone, CODE_NOTICE.phone],
      ] as const) {
        if (!value) continue;
        const [{ id }] = await tx.query(`INSERT INTO contact_points (member_id, kind, value) VALUES ($1, $2, $3) RETURNING id`, [memberId, kind, value]);
        notices.push({ kind: notice, contactId: id });
      }
      const noticeIds: string[] = [];
      for (const n of notices) noticeIds.push(await planNotice(tx, { kind: n.kind, memberId, contactId: n.contactId }));
      await this.audit.record({ ...audit, target: { type: 'member', id: memberId } }, tx);
      return { memberId, noticeIds };
    });
  }

  /** A new code for the member's unconfirmed mobile (by SMS) or phone (by call); the previous one stops counting. */
  async planCode(memberId: string, kind: CodedContactKind): Promise<string | null> {
    return this.db.transaction(async (tx) => {
      const [contact] = await tx.query(`SELECT id FROM contact_points WHERE member_id = $1 AND kind = $2 AND verified_at IS NULL`, [memberId, kind]);
      if (!contact) return null;
      return planNotice(tx, { kind: CODE_NOTICE[kind], memberId, contactId: contact.id });
    });
  }

  /**
   * A member's new phone for calls, from the preference centre: it replaces the one they had
   * (a contact point per kind), unconfirmed until they enter the code the call speaks. Earlier
   * deliveries keep their rows; they lose the link to the number, as on erasure. Null for an
   * unknown or erased member: nothing is written.
   */
  async replacePhone(memberId: string, phone: string, audit: AuditEntry): Promise<{ noticeId: string } | null> {
    return this.db.transaction(async (tx) => {
      const [member] = await tx.query(`SELECT id FROM members WHERE id = $1 AND erased_at IS NULL FOR UPDATE`, [memberId]);
      if (!member) return null;
      await tx.query(`DELETE FROM contact_points WHERE member_id = $1 AND kind = 'phone'`, [memberId]);
      const [{ id }] = await tx.query(`INSERT INTO contact_points (member_id, kind, value) VALUES ($1, 'phone', $2) RETURNING id`, [memberId, phone]);
      const noticeId = await planNotice(tx, { kind: CODE_NOTICE.phone, memberId, contactId: id });
      await this.audit.record(audit, tx);
      return { noticeId };
    });
  }

  /**
   * A preference-centre link for whoever has this confirmed address and is still a member; the
   * caller learns nothing about whether anyone has it.
   */
  async planPreferencesLink(email: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      const rows: Array<{ member_id: string; id: string }> = await tx.query(
        `SELECT cp.member_id, cp.id FROM contact_points cp JOIN members m ON m.id = cp.member_id
          WHERE cp.kind = 'email' AND lower(cp.value) = lower($1) AND cp.verified_at IS NOT NULL AND m.erased_at IS NULL
            AND EXISTS (SELECT 1 FROM memberships ms WHERE ms.member_id = m.id AND ms.status IN ('applied', 'active'))`,
        [email],
      );
      for (const r of rows) await planNotice(tx, { kind: 'preferences_link', memberId: r.member_id, contactId: r.id });
      return rows.length;
    });
  }

  /**
   * False when the member has no such contact any more. Confirming a confirmed contact again (a
   * second click on the link) is no change: nothing is written or audited.
   */
  async confirmContact(memberId: string, contactId: string, kind: 'email' | CodedContactKind, audit: AuditEntry): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [contact] = await tx.query(`SELECT verified_at FROM contact_points WHERE id = $1 AND member_id = $2 AND kind = $3 FOR UPDATE`, [contactId, memberId, kind]);
      if (!contact) return false;
      if (contact.verified_at) return true;
      await tx.query(`UPDATE contact_points SET verified_at = now() WHERE id = $1`, [contactId]);
      if (kind !== 'email') await tx.query(`DELETE FROM contact_verifications WHERE contact_point_id = $1`, [contactId]);
      await this.audit.record(audit, tx);
      return true;
    });
  }

  async storeVerificationCode(contactId: string, codeHash: string, expiresAt: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO contact_verifications (contact_point_id, code_hash, expires_at, attempts) VALUES ($1, $2, $3, 0)
       ON CONFLICT (contact_point_id) DO UPDATE SET code_hash = EXCLUDED.code_hash, expires_at = EXCLUDED.expires_at, attempts = 0`,
      [contactId, codeHash, expiresAt],
    );
  }

  /** The pending code of the member's mobile or phone, counting this look-up as an attempt. */
  async takeCodeAttempt(memberId: string, kind: CodedContactKind): Promise<{ contactId: string; codeHash: string; expiresAt: Date; attempts: number } | null> {
    const rows = await queryRows<{ contact_point_id: string; code_hash: string; expires_at: Date; attempts: number }>(
      this.db,
      `UPDATE contact_verifications v SET attempts = v.attempts + 1
         FROM contact_points cp
        WHERE cp.id = v.contact_point_id AND cp.member_id = $1 AND cp.kind = $2
       RETURNING v.contact_point_id, v.code_hash, v.expires_at, v.attempts - 1 AS attempts`,
      [memberId, kind],
    );
    const r = rows[0];
    return r ? { contactId: r.contact_point_id, codeHash: r.code_hash, expiresAt: new Date(r.expires_at), attempts: r.attempts } : null;
  }

  async find(memberId: string, binId: string): Promise<MembershipView | null> {
    const [row] = await this.db.query(`SELECT role, status FROM memberships WHERE member_id = $1 AND bin_id = $2`, [memberId, binId]);
    if (!row) return null;
    const contacts: Array<{ id: string; kind: string; verified: boolean }> = await this.db.query(
      `SELECT id, kind, verified_at IS NOT NULL AS verified FROM contact_points WHERE member_id = $1 ORDER BY kind`,
      [memberId],
    );
    return { memberId, binId, role: row.role, status: row.status, contacts };
  }

  /** Every BIN the member is (or asked to be) in, with role and status. */
  /** The member's language and how far their e-mail, mobile and phone are confirmed; null once erased. */
  async contactProgress(memberId: string): Promise<{ language: Language; email: ContactProgress; mobile: ContactProgress; phone: ContactProgress } | null> {
    const [member] = await this.db.query(`SELECT language FROM members WHERE id = $1 AND erased_at IS NULL`, [memberId]);
    if (!member) return null;
    const contacts: Array<{ kind: string; verified: boolean }> = await this.db.query(`SELECT kind, verified_at IS NOT NULL AS verified FROM contact_points WHERE member_id = $1`, [
      memberId,
    ]);
    const progress = (kind: string): ContactProgress => {
      const found = contacts.filter((c) => c.kind === kind);
      return found.length === 0 ? 'none' : found.some((c) => c.verified) ? 'done' : 'pending';
    };
    return { language: member.language, email: progress('email'), mobile: progress('mobile'), phone: progress('phone') };
  }

  async membershipsOf(memberId: string): Promise<Array<{ binId: string; role: MembershipRole; status: MembershipStatus }>> {
    const rows: Array<{ bin_id: string; role: MembershipRole; status: MembershipStatus }> = await this.db.query(
      `SELECT bin_id, role, status FROM memberships WHERE member_id = $1 ORDER BY bin_id`,
      [memberId],
    );
    return rows.map((r) => ({ binId: r.bin_id, role: r.role, status: r.status }));
  }

  /** False when the application was no longer open (and then audits nothing). */
  async decide(memberId: string, binId: string, status: 'active' | 'refused', by: string, audit: AuditEntry): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows = await queryRows<{ member_id: string }>(
        tx,
        `UPDATE memberships SET status = $3, approved_at = CASE WHEN $3 = 'active' THEN now() END, approved_by = $4
          WHERE member_id = $1 AND bin_id = $2 AND status = 'applied' RETURNING member_id`,
        [memberId, binId, status, by],
      );
      if (rows.length === 0) return false;
      await this.audit.record(audit, tx);
      return true;
    });
  }

  /**
   * Ends the member's memberships in `binIds` and, once they belong to no BIN any more, erases
   * them: contact points (and with them codes and opt-out states) deleted, preferences and STOP
   * history deleted, the name replaced by a pseudonym. Deliveries stay for the counts: they name
   * the member by id only and lose their contact point. A board member's resignation records the
   * notification the police send on to FOD Binnenlandse Zaken, with the name as it was.
   * `audit` is the resignation's line; what it caused here (the notifications recorded, the
   * erasure) is audited with the same actor and origin, since only this transaction knows it.
   */
  async resign(memberId: string, binIds: string[], by: string, audit: AuditEntry): Promise<{ resigned: string[]; erased: boolean; interiorNotifications: number }> {
    return this.db.transaction(async (tx) => {
      const ended: Array<{ bin_id: string; role: MembershipRole }> = await tx
        .query(
          `UPDATE memberships SET status = 'resigned', resigned_at = now(), resigned_by = $3
          WHERE member_id = $1 AND bin_id = ANY($2::text[]) AND status IN ('applied', 'active') RETURNING bin_id, role`,
          [memberId, binIds, by],
        )
        .then((r: unknown) => returnedRows<{ bin_id: string; role: MembershipRole }>(r));
      const board = ended.filter((e) => e.role === 'board');
      const notificationIds: string[] = [];
      for (const e of board) {
        const [{ id }] = await tx.query(
          `INSERT INTO interior_notifications (member_id, bin_id, event, occurred_at, recorded_by, display_name)
           SELECT id, $2, 'board_member_resigned', now(), $3, display_name FROM members WHERE id = $1 RETURNING id`,
          [memberId, e.bin_id, by],
        );
        notificationIds.push(id);
      }
      const [{ remaining }] = await tx.query(`SELECT count(*)::int AS remaining FROM memberships WHERE member_id = $1 AND status IN ('applied', 'active')`, [memberId]);
      const erased = remaining === 0;
      if (erased) await erase(tx, memberId);
      if (ended.length > 0) {
        await this.audit.record({ ...audit, details: { ...audit.details, bins: ended.map((e) => e.bin_id), boardMember: board.length > 0 } }, tx);
        const consequence = { actor: audit.actor, origin: audit.origin };
        for (const [i, id] of notificationIds.entries()) {
          await this.audit.record(
            {
              ...consequence,
              action: AUDIT_ACTIONS.interiorNotificationRecorded,
              target: { type: 'interior_notification', id },
              details: { memberId, bin: board[i].bin_id, event: 'board_member_resigned' },
            },
            tx,
          );
        }
        if (erased) await this.audit.record({ ...consequence, action: AUDIT_ACTIONS.memberErased, target: { type: 'member', id: memberId } }, tx);
      }
      return { resigned: ended.map((e) => e.bin_id), erased, interiorNotifications: board.length };
    });
  }

  async list(binIds: string[], status?: MembershipStatus): Promise<MemberListing[]> {
    const rows: Array<{
      member_id: string;
      display_name: string;
      bin_id: string;
      role: MembershipRole;
      status: MembershipStatus;
      joined_at: Date;
      approved_at: Date | null;
      contacts: MemberListing['contacts'];
    }> = await this.db.query(
      `SELECT ms.member_id, m.display_name, ms.bin_id, ms.role, ms.status, ms.joined_at, ms.approved_at,
              COALESCE((SELECT json_agg(json_build_object('kind', cp.kind, 'verified', cp.verified_at IS NOT NULL) ORDER BY cp.kind)
                          FROM contact_points cp WHERE cp.member_id = ms.member_id), '[]') AS contacts
         FROM memberships ms JOIN members m ON m.id = ms.member_id
        WHERE ms.bin_id = ANY($1::text[]) AND ($2::text IS NULL OR ms.status = $2)
        ORDER BY ms.bin_id, m.display_name`,
      [binIds, status ?? null],
    );
    return rows.map((r) => ({
      memberId: r.member_id,
      displayName: r.display_name,
      binId: r.bin_id,
      role: r.role,
      status: r.status,
      appliedAt: r.joined_at,
      approvedAt: r.approved_at,
      contacts: r.contacts,
    }));
  }

  async interiorNotifications(policeZone: string | null, unsentOnly: boolean): Promise<InteriorNotification[]> {
    const rows: Array<{
      id: string;
      bin_id: string;
      event: string;
      display_name: string;
      occurred_at: Date;
      recorded_by: string;
      sent_at: Date | null;
      sent_by: string | null;
    }> = await this.db.query(
      `SELECT n.id, n.bin_id, n.event, n.display_name, n.occurred_at, n.recorded_by, n.sent_at, n.sent_by
         FROM interior_notifications n JOIN bins b ON b.id = n.bin_id
        WHERE ($1::text IS NULL OR b.police_zone = $1) AND (NOT $2 OR n.sent_at IS NULL)
        ORDER BY n.occurred_at`,
      [policeZone, unsentOnly],
    );
    return rows.map((r) => ({
      id: r.id,
      binId: r.bin_id,
      event: r.event,
      displayName: r.display_name,
      occurredAt: r.occurred_at,
      recordedBy: r.recorded_by,
      sentAt: r.sent_at,
      sentBy: r.sent_by,
    }));
  }

  async markInteriorNotificationSent(id: string, policeZone: string | null, by: string, audit: AuditEntry): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows = await queryRows<{ id: string }>(
        tx,
        `UPDATE interior_notifications n SET sent_at = now(), sent_by = $3,
                display_name = COALESCE((SELECT m.display_name FROM members m WHERE m.id = n.member_id AND m.erased_at IS NOT NULL), n.display_name)
           FROM bins b
          WHERE n.id = $1 AND b.id = n.bin_id AND ($2::text IS NULL OR b.police_zone = $2) AND n.sent_at IS NULL RETURNING n.id`,
        [id, policeZone, by],
      );
      if (rows.length === 0) return false;
      await this.audit.record(audit, tx);
      return true;
    });
  }
}

/** Writes a notice row and its outbox record: the dispatcher of its channel sends it. */
async function planNotice(
  tx: EntityManager,
  notice: { kind: MemberNoticeKind; memberId: string; contactId?: string; campaignId?: string; categoryCode?: string },
): Promise<string> {
  const id = randomUUID();
  await tx.query(`INSERT INTO member_notices (id, kind, member_id, contact_point_id, campaign_id, category_code) VALUES ($1, $2, $3, $4, $5, $6)`, [
    id,
    notice.kind,
    notice.memberId,
    notice.contactId ?? null,
    notice.campaignId ?? null,
    notice.categoryCode ?? null,
  ]);
  const payload: MemberNoticeV1Like = { type: 'member.notice', version: 1, noticeId: id, kind: notice.kind, memberId: notice.memberId };
  await tx.query(`INSERT INTO outbox (topic, message_key, payload, headers) VALUES ($1, $2, $3, '{"x-event-type":"member.notice"}')`, [
    MEMBER_NOTICES_TOPIC,
    notice.memberId,
    JSON.stringify(payload),
  ]);
  return id;
}

/** EntityManager.query answers UPDATE … RETURNING with [rows, count]. */
function returnedRows<T>(result: unknown): T[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as T[];
}

async function erase(tx: EntityManager, memberId: string): Promise<void> {
  await tx.query(`DELETE FROM sms_opt_outs WHERE member_id = $1`, [memberId]);
  await tx.query(`DELETE FROM preferences WHERE member_id = $1`, [memberId]);
  await tx.query(`DELETE FROM contact_points WHERE member_id = $1`, [memberId]);
  await tx.query(`UPDATE members SET display_name = $2, quiet_hours_start = NULL, quiet_hours_end = NULL, erased_at = now() WHERE id = $1`, [memberId, pseudonymFor(memberId)]);
}
