import { Injectable } from '@nestjs/common';
import type { Principal } from '@bin-alert/domain';
import { StaffAccountRepository } from '@bin-alert/persistence';
import type { AccountStanding } from '@bin-alert/platform';

/**
 * Tokens of local accounts stay valid only while the account matches what the token says: a
 * disabled account, or one whose role or scope an admin changed, must sign in again. Tokens of
 * an identity provider or of `npm run token` name no local account and are left alone.
 */
@Injectable()
export class StaffAccountStanding implements AccountStanding {
  constructor(private readonly accounts: StaffAccountRepository) {}

  async refusal(principal: Principal): Promise<string | null> {
    const account = await this.accounts.findById(principal.accountId);
    if (!account) return null;
    if (account.disabledAt) return 'account disabled';
    const bins = (ids: string[]) => [...ids].sort().join(',');
    const sameScope = account.role === principal.role && (account.policeZone ?? undefined) === principal.policeZone && bins(account.binIds) === bins(principal.binIds);
    return sameScope ? null : 'the account’s role or scope changed since sign-in; sign in again';
  }
}
