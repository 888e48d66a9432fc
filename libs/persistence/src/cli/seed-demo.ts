import 'reflect-metadata';
import { loadConfig } from '@bin-alert/platform';
import { migrate, openDataSource } from '../data-source';
import { seedDemoMembers } from '../seed/seed-demo-members';

/** Migrates, then adds demo members until there are `--members N` (default 300). */
async function main(): Promise<void> {
  const wanted = Number(process.argv.find((a) => a.startsWith('--members='))?.split('=')[1] ?? 300);
  const config = loadConfig();
  const db = await openDataSource(config.DATABASE_URL, 2);
  try {
    await migrate(db);
    const existing = await seedDemoMembers(db, wanted, (n) => process.stdout.write(`\r[seed] members: ${n}/${wanted}`));
    process.stdout.write(existing >= wanted ? `[seed] ${existing} members already present\n` : '\n');
  } finally {
    await db.destroy();
  }
}

main().catch((error) => {
  console.error(`[seed] failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
