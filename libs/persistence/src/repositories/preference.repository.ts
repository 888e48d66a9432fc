import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AUDIT_ACTIONS, CHANNELS, CONTACT_KIND_FOR_CHANNEL } from '@bin-alert/domain';
import type { AuditEntry, CategoryRule, Channel, Language, QuietHours, QuietHoursBehaviour, Urgency } from '@bin-alert/domain';
import { AuditTrail } from '../audit/audit-trail';
import { MEMBER_NOTICES_TOPIC } from './membership.repository';

export interface CategoryChoice {
  code: string;
  name: string;
  rule: CategoryRule;
  defaultUrgency: Urgency;
  quietHours: QuietHoursBehaviour;
  /** Per channel the member can be reached on: does this category reach them there? */
  channels: Partial<Record<Channel, { receives: boolean; chosen: boolean | null }>>;
}

export interface PreferenceCentre {
  memberId: string;
  language: Language;
  quietHours: QuietHours | null;
  /** Channels the member registered a contact for, and whether it is confirmed (never the address). */
  contacts: Array<{ channel: Channel; verified: boolean }>;
  categories: CategoryChoice[];
}

export interface PreferenceChange {
  language?: Language;
  quietHours?: QuietHours | null;
  choices?: Array<{ category: string; channel: Channel; enabled: boolean }>;
}

/** What a member chose, and the categories' rules those choices live under. Changes are audited in their transaction. */
@Injectable()
export class PreferenceRepository {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditTrail = new AuditTrail(db),
  ) {}

  /** Null for an unknown or erased member: a link to them opens nothing. */
  async centre(memberId: string): Promise<PreferenceCentre | null> {
    const [member] = await this.db.query(`SELECT language, quiet_hours_start, quiet_hours_end FROM members WHERE id = $1 AND erased_at IS NULL`, [memberId]);
    if (!member) return null;
    const contacts: Array<{ kind: string; verified: boolean }> = await this.db.query(`SELECT kind, verified_at IS NOT NULL AS verified FROM contact_points WHERE member_id = $1`, [
      memberId,
    ]);
    const categories: Array<{ code: string; name: string; rule: CategoryRule; default_urgency: Urgency; quiet_hours: QuietHoursBehaviour }> = await this.db.query(
      `SELECT code, name, rule, default_urgency, quiet_hours FROM categories ORDER BY code`,
    );
    const prefs: Array<{ category_code: string; channel: Channel; enabled: boolean }> = await this.db.query(
      `SELECT category_code, channel, enabled FROM preferences WHERE member_id = $1`,
      [memberId],
    );
    const reachable = CHANNELS.flatMap((channel) => {
      const c = contacts.find((x) => x.kind === CONTACT_KIND_FOR_CHANNEL[channel]);
      return c ? [{ channel, verified: c.verified }] : [];
    });
    return {
      memberId,
      language: member.language,
      quietHours: member.quiet_hours_start ? { start: member.quiet_hours_start, end: member.quiet_hours_end } : null,
      contacts: reachable,
      categories: categories.map((c) => ({
        code: c.code,
        name: c.name,
        rule: c.rule,
        defaultUrgency: c.default_urgency,
        quietHours: c.quiet_hours,
        channels: Object.fromEntries(
          reachable.map(({ channel }) => {
            const chosen = prefs.find((p) => p.category_code === c.code && p.channel === channel)?.enabled ?? null;
            const receives = c.rule === 'mandatory' || (c.rule === 'opt_out' ? chosen !== false : chosen === true);
            return [channel, { receives, chosen }];
          }),
        ),
      })),
    };
  }

  /** Applies the whole change, with its audit line, or nothing. */
  async change(memberId: string, change: PreferenceChange, audit: AuditEntry): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (change.language) await tx.query(`UPDATE members SET language = $2 WHERE id = $1`, [memberId, change.language]);
      if (change.quietHours !== undefined) {
        await tx.query(`UPDATE members SET quiet_hours_start = $2, quiet_hours_end = $3 WHERE id = $1`, [
          memberId,
          change.quietHours?.start ?? null,
          change.quietHours?.end ?? null,
        ]);
      }
      for (const c of change.choices ?? []) {
        await tx.query(
          `INSERT INTO preferences (member_id, category_code, channel, enabled) VALUES ($1, $2, $3, $4)
           ON CONFLICT (member_id, category_code, channel) DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = now()`,
          [memberId, c.category, c.channel, c.enabled],
        );
      }
      await this.audit.record(audit, tx);
    });
  }

  /**
   * Switches a category's rule. Switching to opt-in starts a campaign in the same transaction:
   * one invitation per member with a confirmed e-mail address, an active membership and no
   * channel on which they already chose the category — once per member, however many BINs they
   * are in. Returns the campaign, or null when nobody is invited. `audit` is the switch's line;
   * the campaign it starts is audited with the same actor and origin, with its invitation count.
   */
  async switchCategoryRule(code: string, rule: CategoryRule, by: string, audit: AuditEntry): Promise<{ from: CategoryRule; campaign: { id: string; recipients: number } | null }> {
    return this.db.transaction(async (tx) => {
      const [current] = await tx.query(`SELECT rule FROM categories WHERE code = $1 FOR UPDATE`, [code]);
      const from = current.rule as CategoryRule;
      await tx.query(`UPDATE categories SET rule = $2, rule_changed_at = now() WHERE code = $1`, [code, rule]);
      await this.audit.record({ ...audit, details: { ...audit.details, previousRule: from, rule } }, tx);
      if (rule !== 'opt_in' || from === 'opt_in') return { from, campaign: null };
      // Set-based: a zone has tens of thousands of members, and this runs inside one request.
      const id = randomUUID();
      await tx.query(`INSERT INTO category_campaigns (id, category_code, from_rule, to_rule, started_by, recipients) VALUES ($1, $2, $3, $4, $5, 0)`, [id, code, from, rule, by]);
      const invited: Array<{ id: string }> = await tx.query(
        `INSERT INTO member_notices (id, kind, member_id, contact_point_id, campaign_id, category_code)
         SELECT gen_random_uuid(), 'category_invitation', m.id, cp.id, $2, $1
           FROM members m JOIN contact_points cp ON cp.member_id = m.id AND cp.kind = 'email' AND cp.verified_at IS NOT NULL
          WHERE m.erased_at IS NULL
            AND EXISTS (SELECT 1 FROM memberships ms WHERE ms.member_id = m.id AND ms.status = 'active')
            AND NOT EXISTS (SELECT 1 FROM preferences p WHERE p.member_id = m.id AND p.category_code = $1 AND p.enabled)
         RETURNING id`,
        [code, id],
      );
      await tx.query(
        `INSERT INTO outbox (topic, message_key, payload, headers)
         SELECT $2, n.member_id, jsonb_build_object('type', 'member.notice', 'version', 1, 'noticeId', n.id, 'kind', n.kind, 'memberId', n.member_id),
                '{"x-event-type":"member.notice"}'::jsonb
           FROM member_notices n WHERE n.campaign_id = $1 ORDER BY n.member_id`,
        [id, MEMBER_NOTICES_TOPIC],
      );
      await tx.query(`UPDATE category_campaigns SET recipients = $2 WHERE id = $1`, [id, invited.length]);
      await this.audit.record(
        {
          actor: audit.actor,
          origin: audit.origin,
          action: AUDIT_ACTIONS.categoryCampaignStarted,
          target: { type: 'category_campaign', id },
          details: { category: code, invitations: invited.length },
        },
        tx,
      );
      return { from, campaign: { id, recipients: invited.length } };
    });
  }
}
