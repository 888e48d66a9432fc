import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { BinKind } from '@bin-alert/domain';

@Entity('bins')
export class BinEntity {
  @PrimaryColumn('text') id: string;
  @Column('text') name: string;
  @Column('text') kind: BinKind;
  @Column('text', { name: 'police_zone' }) policeZone: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
