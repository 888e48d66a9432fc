import { randomUUID } from 'node:crypto';
import { AUDIT_ACTIONS, StaffRole } from '@bin-alert/domain';
import { StaffAccountRepository } from '../repositories/staff-account.repository';

/** The demo's one password, documented in the README: demo installations only. */
export const DEMO_PASSWORD = 'bin-alert-demo';

export const DEMO_ACCOUNTS: Array<{ username: string; displayName: string; role: StaffRole; policeZone: string | null; binIds: string[] }> = [
  { username: 'operator', displayName: 'Demo operator, PZ Aalst', role: 'operator', policeZone: 'aalst', binIds: [] },
  { username: 'supervisor', displayName: 'Demo supervisor, PZ Aalst', role: 'supervisor', policeZone: 'aalst', binIds: [] },
  { username: 'board-herdersem', displayName: 'Demo board member, BIN Herdersem', role: 'board', policeZone: null, binIds: ['herdersem'] },
  { username: 'admin', displayName: 'Demo admin', role: 'admin', policeZone: null, binIds: [] },
];

/** Adds the demo accounts that are not there yet; returns the usernames added. */
export async function seedDemoAccounts(accounts: StaffAccountRepository, hashPassword: (password: string) => Promise<string>): Promise<string[]> {
  const added: string[] = [];
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const demo of DEMO_ACCOUNTS) {
    if (await accounts.findForLogin(demo.username)) continue;
    const id = randomUUID();
    await accounts.create(
      { id, passwordHash, ...demo },
      { actor: null, action: AUDIT_ACTIONS.accountCreated, target: { type: 'account', id }, details: { username: demo.username, role: demo.role, via: 'demo seed' } },
    );
    added.push(demo.username);
  }
  return added;
}
