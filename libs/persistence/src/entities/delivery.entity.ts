import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { Channel, DeliveryStatus, Language } from '@bin-alert/domain';

/** One (alert, member, channel): what happened, or why nothing did. */
@Entity('deliveries')
export class DeliveryEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'alert_id' }) alertId: string;
  /** Null once the retention period is over (ADR 0030): member_bins then says whose BINs it counts for. */
  @Column('uuid', { name: 'member_id', nullable: true }) memberId: string | null;
  @Column('text', { name: 'member_bins', array: true, nullable: true }) memberBins: string[] | null;
  @Column('text') channel: Channel;
  @Column('text') status: DeliveryStatus;
  @Column('text', { nullable: true }) reason: string | null;
  @Column('uuid', { name: 'contact_point_id', nullable: true }) contactPointId: string | null;
  @Column('text', { nullable: true }) language: Language | null;
  @Column('text', { name: 'provider_id', nullable: true }) providerId: string | null;
  @Column('integer', { default: 0 }) attempts: number;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @Column('timestamptz', { name: 'claimed_at', nullable: true }) claimedAt: Date | null;
  @Column('timestamptz', { name: 'accepted_at', nullable: true }) acceptedAt: Date | null;
  /** The provider's own word for the last status change (MessageStatus, CallStatus, SendGrid event). */
  @Column('text', { name: 'provider_status', nullable: true }) providerStatus: string | null;
  @Column('text', { name: 'provider_error_code', nullable: true }) providerErrorCode: string | null;
  @Column('timestamptz', { name: 'status_updated_at', nullable: true }) statusUpdatedAt: Date | null;
  @Column('timestamptz', { name: 'delivered_at', nullable: true }) deliveredAt: Date | null;
  /** When the member confirmed receipt (pressed 1 during the call). */
  @Column('timestamptz', { name: 'acknowledged_at', nullable: true }) acknowledgedAt: Date | null;
  @Column('text', { name: 'claimed_by', nullable: true }) claimedBy: string | null;
  @Column('timestamptz', { name: 'lease_until', nullable: true }) leaseUntil: Date | null;
  @Column('timestamptz', { name: 'call_started_at', nullable: true }) callStartedAt: Date | null;
}
