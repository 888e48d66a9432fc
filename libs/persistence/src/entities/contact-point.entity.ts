import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ContactKind = 'mobile' | 'phone' | 'email';

@Entity('contact_points')
export class ContactPointEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'member_id' }) memberId: string;
  @Column('text') kind: ContactKind;
  /** E.164 number or normalised e-mail address. Never logged. */
  @Column('text') value: string;
  @Column('timestamptz', { name: 'verified_at', nullable: true }) verifiedAt: Date | null;
  /** Mobile only: since when the member has SMS blocked by replying STOP (null: not opted out). */
  @Column('timestamptz', { name: 'sms_opted_out_at', nullable: true }) smsOptedOutAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
