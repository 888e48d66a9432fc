import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { CategoryRule, QuietHoursBehaviour, Urgency } from '@bin-alert/domain';

@Entity('categories')
@Check('categories_code_check', `code ~ '^[a-z0-9_]+$'`)
@Check('categories_rule_check', `rule IN ('mandatory', 'opt_out', 'opt_in')`)
@Check('categories_default_urgency_check', `default_urgency IN ('urgent', 'normal')`)
@Check('categories_quiet_hours_check', `quiet_hours IN ('respect', 'override')`)
export class CategoryEntity {
  @PrimaryColumn('text') code: string;
  @Column('text') name: string;
  @Column('text') rule: CategoryRule;
  @Column('text', { name: 'default_urgency' }) defaultUrgency: Urgency;
  @Column('text', { name: 'quiet_hours', default: 'respect' }) quietHours: QuietHoursBehaviour;
  /** When an administrator last changed the rule: members chose under the rule before it. */
  @Column('timestamptz', { name: 'rule_changed_at', nullable: true }) ruleChangedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
