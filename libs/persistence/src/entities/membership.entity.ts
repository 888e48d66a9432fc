import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MembershipRole } from '@bin-alert/domain';

@Entity('memberships')
export class MembershipEntity {
  @PrimaryColumn('uuid', { name: 'member_id' }) memberId: string;
  @PrimaryColumn('text', { name: 'bin_id' }) binId: string;
  @Column('text', { default: 'member' }) role: MembershipRole;
  @Column('text', { default: 'active' }) status: 'applied' | 'active' | 'refused' | 'resigned';
  @Column('timestamptz', { name: 'joined_at', default: () => 'now()' }) joinedAt: Date;
}
