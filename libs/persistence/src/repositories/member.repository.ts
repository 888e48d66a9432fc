import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Channel, Language, MembershipRole } from '@bin-alert/domain';
import type { ContactKind } from '../entities/contact-point.entity';

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

  async count(): Promise<number> {
    const [row] = await this.db.query(`SELECT count(*)::int AS n FROM members`);
    return row.n;
  }
}
