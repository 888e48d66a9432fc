import { STAFF_ROLES, StaffRole } from '@bin-alert/domain';
import { ConfigError, accessTokenSettingsFrom, loadConfig } from '../config/app-config';
import { signAccessToken } from '../auth/access-token';

/**
 * `npm run token -- <role> [--zone Z] [--bins a,b] [--account ID]`: prints a bearer token signed
 * with this installation's AUTH_TOKEN_SECRET, for scripts and for trying the API by hand.
 */
function main(args: string[]): void {
  const [role, ...rest] = args;
  if (!STAFF_ROLES.includes(role as StaffRole)) {
    process.stderr.write(`usage: npm run token -- <${STAFF_ROLES.join('|')}> [--zone aalst] [--bins herdersem,moorsel] [--account id]\n`);
    process.exit(2);
  }
  const option = (name: string): string | undefined => {
    const at = rest.indexOf(`--${name}`);
    return at >= 0 ? rest[at + 1] : undefined;
  };
  const config = loadConfig();
  const policeZone = role === 'operator' || role === 'supervisor' ? (option('zone') ?? 'aalst') : option('zone');
  const token = signAccessToken(
    { accountId: option('account') ?? `cli-${role}`, role: role as StaffRole, policeZone, binIds: (option('bins') ?? '').split(',').filter(Boolean) },
    accessTokenSettingsFrom(config),
  );
  process.stdout.write(`${token}\n`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
