import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { Channel } from '@bin-alert/domain';

/** A member's explicit choice for one category on one channel; absence means "never chose". */
@Entity('preferences')
export class PreferenceEntity {
  @PrimaryColumn('uuid', { name: 'member_id' }) memberId: string;
  @PrimaryColumn('text', { name: 'category_code' }) categoryCode: string;
  @PrimaryColumn('text') channel: Channel;
  @Column('boolean') enabled: boolean;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
