import 'reflect-metadata';
import { loadConfig } from '@bin-alert/platform';
import { migrate, openDataSource } from '../data-source';

async function main(): Promise<void> {
  const db = await openDataSource(loadConfig().DATABASE_URL, 2);
  try {
    const applied = await migrate(db);
    console.log(applied.length ? `[migrate] applied: ${applied.join(', ')}` : '[migrate] schema is up to date');
  } finally {
    await db.destroy();
  }
}

main().catch((error) => {
  console.error(`[migrate] failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
