import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { CategoryRule, QuietHoursBehaviour, Urgency } from '@bin-alert/domain';

@Entity('categories')
export class CategoryEntity {
  @PrimaryColumn('text') code: string;
  @Column('text') name: string;
  @Column('text') rule: CategoryRule;
  @Column('text', { name: 'default_urgency' }) defaultUrgency: Urgency;
  @Column('text', { name: 'quiet_hours' }) quietHours: QuietHoursBehaviour;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
