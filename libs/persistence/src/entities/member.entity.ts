import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Language } from '@bin-alert/domain';

@Entity('members')
export class MemberEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text', { name: 'display_name' }) displayName: string;
  @Column('text') language: Language;
  @Column('boolean', { name: 'is_test_group', default: false }) isTestGroup: boolean;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
