import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { CONTACT_KIND_FOR_CHANNEL, Channel, Language, MembershipRole } from '@bin-alert/domain';

type ContactKind = (typeof CONTACT_KIND_FOR_CHANNEL)[Channel];

export interface NewMember {
  displayName: string;
  language: Language;
  memberships: Array<{ binId: string; role?: MembershipRole }>;
  contacts: Array<{ kind: ContactKind; value: string; verified: boolean }>;
  preferences?: Array<{ categoryCode: string; channel: Channel; enabled: boolean }>;
}

/** Writes a member with everything that belongs to them in one transaction. */
@Injectable()
export class MemberRepository {
  constructor(private readonly db: DataSource) {}

  async register(member: NewMember): Promise<string> {
    return this.db.transaction(async (tx) => {
      const [{ id }] = await tx.query(`INSERT INTO members (display_name, language) VALUES ($1, $2) RETURNING id`, [member.displayName, member.language]);
      for (const m of member.memberships) {
        await tx.query(`INSERT INTO memberships (member_id, bin_id, role) VALUES ($1, $2, $3)`, [id, m.binId, m.role ?? 'member']);
      }
      for (const c of member.contacts) {
        await tx.query(`INSERT INTO contact_points (member_id, kind, value, verified_at) VALUES ($1, $2, $3, $4)`, [id, c.kind, c.value, c.verified ? new Date() : null]);
      }
      for (const p of member.preferences ?? []) {
        await tx.query(`INSERT INTO preferences (member_id, category_code, channel, enabled) VALUES ($1, $2, $3, $4)`, [id, p.categoryCode, p.channel, p.enabled]);
      }
      return id as string;
    });
  }

  /**
   * Writes many members in four multi-row statements inside one transaction: for seeding demo
   * data, tests and the benchmark, where one transaction per member would take minutes.
   */
  async registerMany(members: NewMember[]): Promise<string[]> {
    if (members.length === 0) return [];
    const ids = members.map(() => randomUUID());
    const rows = <T>(pick: (m: NewMember, id: string) => T[]) => members.flatMap((m, i) => pick(m, ids[i]));
    const memberships = rows((m, id) => m.memberships.map((x) => [id, x.binId, x.role ?? 'member']));
    const contacts = rows((m, id) => m.contacts.map((c) => [id, c.kind, c.value, c.verified]));
    const preferences = rows((m, id) => (m.preferences ?? []).map((p) => [id, p.categoryCode, p.channel, p.enabled]));
    const column = <T>(table: T[][], i: number) => table.map((r) => r[i]);
    await this.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO members (id, display_name, language) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])`, [
        ids,
        members.map((m) => m.displayName),
        members.map((m) => m.language),
      ]);
      await tx.query(
        `INSERT INTO memberships (member_id, bin_id, role) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])`,
        [0, 1, 2].map((i) => column(memberships, i)),
      );
      await tx.query(
        `INSERT INTO contact_points (member_id, kind, value, verified_at)
         SELECT m, k, v, CASE WHEN ok THEN now() END FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bool[]) AS t(m, k, v, ok)`,
        [0, 1, 2, 3].map((i) => column(contacts, i)),
      );
      await tx.query(
        `INSERT INTO preferences (member_id, category_code, channel, enabled) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bool[])`,
        [0, 1, 2, 3].map((i) => column(preferences, i)),
      );
    });
    return ids;
  }

  async count(): Promise<number> {
    const [row] = await this.db.query(`SELECT count(*)::int AS n FROM members`);
    return row.n;
  }
}
