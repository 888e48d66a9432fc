import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { AlertKind, AlertState, AlertText, CapDetails, Language, MessageType, Urgency } from '@bin-alert/domain';

@Entity('alerts')
export class AlertEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('text', { name: 'category_code' }) categoryCode: string;
  @Column('text') urgency: Urgency;
  @Column('boolean', { name: 'redistribution_allowed' }) redistributionAllowed: boolean;
  @Column('jsonb') texts: Partial<Record<Language, AlertText>>;
  @Column('text') status: AlertState;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column('timestamptz', { name: 'issued_at', nullable: true }) issuedAt: Date | null;
  @Column('text', { name: 'correlation_id', nullable: true }) correlationId: string | null;
  @Column('text', { default: 'actual' }) kind: AlertKind;
  @Column('text', { name: 'message_type', default: 'alert' }) messageType: MessageType;
  /** The alert an update or cancel follows up. */
  @Column('uuid', { name: 'references_alert_id', nullable: true }) referencesAlertId: string | null;
  /** The original whose recipients an update or cancel reaches (the first alert of the chain). */
  @Column('uuid', { name: 'audience_alert_id', nullable: true }) audienceAlertId: string | null;
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

@Entity('alert_bins')
export class AlertBinEntity {
  @PrimaryColumn('uuid', { name: 'alert_id' }) alertId: string;
  @PrimaryColumn('text', { name: 'bin_id' }) binId: string;
}
