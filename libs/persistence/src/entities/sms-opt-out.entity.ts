import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { SmsOptAction } from '@bin-alert/domain';

/** One STOP or START a member sent to the system's number: the history behind sms_opted_out_at. */
@Entity('sms_opt_outs')
export class SmsOptOutEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column('uuid', { name: 'member_id' }) memberId: string;
  @Column('uuid', { name: 'contact_point_id', nullable: true }) contactPointId: string | null;
  @Column('text') action: SmsOptAction;
  @Column('text') keyword: string;
  @Column('text', { name: 'provider_message_id' }) providerMessageId: string;
  @Column('timestamptz', { name: 'received_at' }) receivedAt: Date;
}
