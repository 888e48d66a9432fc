import type { Principal } from '@bin-alert/domain';
import { accessTokenSettingsFrom, signAccessToken } from '@bin-alert/platform';
import { testConfig } from '../../bench/src/support/test-config';

/** Authorization header values for the staff of zone Aalst, signed with the test configuration's key. */
export function bearer(principal: Partial<Principal> = {}): string {
  const whom: Principal = { accountId: 'test-operator', role: 'operator', policeZone: 'aalst', binIds: [], ...principal };
  return `Bearer ${signAccessToken(whom, accessTokenSettingsFrom(testConfig()))}`;
}

export const asAalstOperator = (): Record<string, string> => ({ authorization: bearer() });
