import { SimConfig } from '../config/sim-config';
import { Prng } from '../random/prng';

export type EmailFate = 'delivered' | 'bounce' | 'dropped' | 'deferred';

/**
 * Domains with a fixed fate, whatever the configured rates (see README). `.test` is reserved
 * (RFC 2606), so no real mailbox is ever named.
 */
const MAGIC_DOMAINS: Record<string, EmailFate> = {
  'bounce.sim.test': 'bounce',
  'dropped.sim.test': 'dropped',
  'deferred.sim.test': 'deferred',
};

/** One draw per recipient, whatever the outcome. A `deferred` recipient is delivered after one deferral. */
export function decideEmailFate(email: string, rates: SimConfig['email'], prng: Prng): EmailFate {
  const drawn = prng.choose([
    ['bounce', rates.bounceRate],
    ['dropped', rates.dropRate],
    ['deferred', rates.deferRate],
  ] as const);
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return MAGIC_DOMAINS[domain] ?? drawn ?? 'delivered';
}
