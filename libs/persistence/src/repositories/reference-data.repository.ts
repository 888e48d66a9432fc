import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { BinEntity, CategoryEntity } from '../entities';

@Injectable()
export class ReferenceDataRepository {
  constructor(private readonly db: DataSource) {}

  listBins(): Promise<BinEntity[]> {
    return this.db.getRepository(BinEntity).find({ order: { name: 'ASC' } });
  }

  listCategories(): Promise<CategoryEntity[]> {
    return this.db.getRepository(CategoryEntity).find({ order: { code: 'ASC' } });
  }

  findCategory(code: string): Promise<CategoryEntity | null> {
    return this.db.getRepository(CategoryEntity).findOneBy({ code });
  }

  findBins(ids: string[]): Promise<BinEntity[]> {
    return this.db.getRepository(BinEntity).find({ where: { id: In(ids) } });
  }

  /** The ids among `ids` that name no BIN, in the order given. */
  async unknownBinIds(ids: string[]): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.db.query(`SELECT id FROM bins WHERE id = ANY($1)`, [ids]);
    const known = new Set(rows.map((r) => r.id));
    return ids.filter((id) => !known.has(id));
  }
}
