import { Check, Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { BinKind } from '@bin-alert/domain';

@Entity('bins')
@Check('bins_id_check', `id ~ '^[a-z0-9-]+$'`)
@Check('bins_kind_check', `kind IN ('BIN', 'BINZ')`)
export class BinEntity {
  @PrimaryColumn('text') id: string;
  @Column('text') name: string;
  @Column('text') kind: BinKind;
  @Column('text', { name: 'police_zone' }) policeZone: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
