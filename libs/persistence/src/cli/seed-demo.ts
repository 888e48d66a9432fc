import 'reflect-metadata';
import { hashPassword, loadConfig } from '@bin-alert/platform';
import { migrate, openDataSource } from '../data-source';
import { seedDemoMembers } from '../seed/seed-demo-members';
import { StaffAccountRepository } from '../repositories/staff-account.repository';
import { DEMO_PASSWORD, seedDemoAccounts } from '../seed/demo-accounts';

/** Migrates, then adds demo members until there are `--members N` (default 300), and the demo staff accounts. */
async function main(): Promise<void> {
  const wanted = Number(process.argv.find((a) => a.startsWith('--members='))?.split('=')[1] ?? 300);
  const config = loadConfig();
  const db = await openDataSource(config.DATABASE_URL, 2);
  try {
    await migrate(db);
    const existing = await seedDemoMembers(db, wanted, (n) => process.stdout.write(`\r[seed] members: ${n}/${wanted}`));
    process.stdout.write(existing >= wanted ? `[seed] ${existing} members already present\n` : '\n');
    const added = await seedDemoAccounts(new StaffAccountRepository(db), hashPassword);
    if (added.length > 0) process.stdout.write(`[seed] demo accounts ${added.join(', ')} (password '${DEMO_PASSWORD}')\n`);
  } finally {
    await db.destroy();
  }
}

main().catch((error) => {
  console.error(`[seed] failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
