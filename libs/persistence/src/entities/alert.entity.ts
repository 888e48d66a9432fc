import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { AlertKind, AlertState, AlertText, CapDetails, Language, MessageType, Urgency } from '@bin-alert/domain';
import { CategoryEntity } from './category.entity';

/** Its BINs (alert_bins) are read with SQL. */
@Entity('alerts')
@Check('alerts_urgency_check', `urgency IN ('urgent', 'normal')`)
@Check('alerts_status_check', `status IN ('draft', 'awaiting_approval', 'issued', 'rejected')`)
@Check('alerts_kind_check', `kind IN ('actual', 'exercise', 'test')`)
@Check('alerts_message_type_check', `message_type IN ('alert', 'update', 'cancel')`)
@Check('alerts_follow_up_references', `(message_type = 'alert') = (references_alert_id IS NULL AND audience_alert_id IS NULL)`)
@Index('alerts_cap_identity', ['capSender', 'capIdentifier'], { unique: true })
@Index('alerts_references', ['referencesAlertId'], { where: 'references_alert_id IS NOT NULL' })
export class AlertEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text', { name: 'category_code' }) categoryCode: string;
  /** Never loaded: declared for the foreign key, so that the entity matches the table. */
  @ManyToOne(() => CategoryEntity)
  @JoinColumn({ name: 'category_code', foreignKeyConstraintName: 'alerts_category_code_fkey' })
  category?: CategoryEntity;
  @Column('text') urgency: Urgency;
  @Column('boolean', { name: 'redistribution_allowed' }) redistributionAllowed: boolean;
  @Column('jsonb') texts: Partial<Record<Language, AlertText>>;
  @Column('text') status: AlertState;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column('timestamptz', { name: 'issued_at', nullable: true }) issuedAt: Date | null;
  @Column('text', { name: 'correlation_id', nullable: true }) correlationId: string | null;
  /** The W3C traceparent it was announced under (ADR 0020); null without tracing. */
  @Column('text', { name: 'trace_context', nullable: true }) traceContext: string | null;
  @Column('text', { default: 'actual' }) kind: AlertKind;
  @Column('text', { name: 'message_type', default: 'alert' }) messageType: MessageType;
  /** The alert an update or cancel follows up. */
  @Column('uuid', { name: 'references_alert_id', nullable: true }) referencesAlertId: string | null;
  @ManyToOne(() => AlertEntity)
  @JoinColumn({ name: 'references_alert_id', foreignKeyConstraintName: 'alerts_references_alert_id_fkey' })
  references?: AlertEntity;
  /** The original whose recipients an update or cancel reaches (the first alert of the chain). */
  @Column('uuid', { name: 'audience_alert_id', nullable: true }) audienceAlertId: string | null;
  @ManyToOne(() => AlertEntity)
  @JoinColumn({ name: 'audience_alert_id', foreignKeyConstraintName: 'alerts_audience_alert_id_fkey' })
  audience?: AlertEntity;
  @Column('timestamptz', { name: 'expires_at', nullable: true }) expiresAt: Date | null;
  @Column('text', { name: 'created_by', nullable: true }) createdBy: string | null;
  @Column('text', { name: 'submitted_by', nullable: true }) submittedBy: string | null;
  @Column('text', { name: 'approved_by', nullable: true }) approvedBy: string | null;
  @Column('timestamptz', { name: 'approved_at', nullable: true }) approvedAt: Date | null;
  @Column('text', { name: 'rejected_by', nullable: true }) rejectedBy: string | null;
  @Column('text', { name: 'rejection_reason', nullable: true }) rejectionReason: string | null;
  @Column('text', { name: 'cap_sender', nullable: true }) capSender: string | null;
  @Column('text', { name: 'cap_identifier', nullable: true }) capIdentifier: string | null;
  @Column('timestamptz', { name: 'cap_sent', nullable: true }) capSent: Date | null;
  /** What an imported CAP document said beyond the columns, for its export (ADR 0024); null for alerts written here. */
  @Column('jsonb', { name: 'cap_details', nullable: true }) capDetails: CapDetails | null;
}
