import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { AUDIT_ACTIONS } from '@bin-alert/domain';
import { ConfigError, hashPassword, loadConfig, staffPassword, staffUsername } from '@bin-alert/platform';
import { migrate, openDataSource } from '../data-source';
import { StaffAccountRepository } from '../repositories/staff-account.repository';

const USAGE = `usage: BIN_ALERT_ADMIN_PASSWORD=… npm run bootstrap-admin -- --username admin [--display-name "Jan Peeters"]
       or pipe the password on stdin: printf '%s\\n' "$PASSWORD" | npm run bootstrap-admin -- --username admin
Creates the first admin of an empty installation. The password is never taken from the command line,
where other users of the machine and the shell history would see it.`;

/** The first admin, on an installation without any staff account; every later account is made through the API. */
async function main(args: string[]): Promise<void> {
  const option = (name: string): string | undefined => {
    const at = args.indexOf(`--${name}`);
    return at >= 0 ? args[at + 1] : undefined;
  };
  if (args.includes('--password')) fail('--password is not accepted: set BIN_ALERT_ADMIN_PASSWORD or pipe the password on stdin');
  const username = staffUsername.safeParse(option('username') ?? '');
  if (!username.success) fail(`--username: ${username.error.issues[0].message}`);
  const password = staffPassword.safeParse(process.env.BIN_ALERT_ADMIN_PASSWORD ?? (await firstLineOfStdin()));
  if (!password.success) fail(`password: ${password.error.issues[0].message}`);

  const config = loadConfig();
  const db = await openDataSource(config.DATABASE_URL, 2);
  try {
    await migrate(db);
    const accounts = new StaffAccountRepository(db);
    const existing = await accounts.count();
    if (existing > 0) fail(`refused: this installation already has ${existing} staff account(s); an admin creates more with POST /v1/accounts`);
    const id = randomUUID();
    await accounts.create(
      {
        id,
        username: username.data,
        displayName: option('display-name') ?? 'Administrator',
        passwordHash: await hashPassword(password.data),
        role: 'admin',
        policeZone: null,
        binIds: [],
      },
      { actor: null, action: AUDIT_ACTIONS.accountCreated, target: { type: 'account', id }, details: { username: username.data, role: 'admin', via: 'bootstrap-admin' } },
    );
    process.stdout.write(`[bootstrap-admin] admin '${username.data}' created (${id}); sign in with POST /v1/auth/token\n`);
  } finally {
    await db.destroy();
  }
}

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

async function firstLineOfStdin(): Promise<string> {
  if (process.stdin.isTTY) fail('no password: set BIN_ALERT_ADMIN_PASSWORD or pipe it on stdin');
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0];
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`[bootstrap-admin] failed: ${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : error}\n`);
  process.exit(1);
});
