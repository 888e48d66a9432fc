import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { AlertText, Language, Urgency } from '@bin-alert/domain';

@Entity('alerts')
export class AlertEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text', { name: 'category_code' }) categoryCode: string;
  @Column('text') urgency: Urgency;
  @Column('boolean', { name: 'redistribution_allowed' }) redistributionAllowed: boolean;
  @Column('jsonb') texts: Partial<Record<Language, AlertText>>;
  @Column('text') status: 'issued';
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column('timestamptz', { name: 'issued_at', nullable: true }) issuedAt: Date | null;
  @Column('text', { name: 'correlation_id', nullable: true }) correlationId: string | null;
}

@Entity('alert_bins')
export class AlertBinEntity {
  @PrimaryColumn('uuid', { name: 'alert_id' }) alertId: string;
  @PrimaryColumn('text', { name: 'bin_id' }) binId: string;
}
