import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A Kafka record written in the same transaction as the change it announces. */
@Entity('outbox')
export class OutboxRecordEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column('text') topic: string;
  @Column('text', { name: 'message_key' }) messageKey: string;
  @Column('jsonb') payload: unknown;
  @Column('jsonb', { default: {} }) headers: Record<string, string>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column('timestamptz', { name: 'published_at', nullable: true }) publishedAt: Date | null;
}
