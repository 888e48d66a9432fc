import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AUDIT_ACTIONS, DomainError, Principal, RequestOrigin, StaffScope, staffScopeProblems } from '@bin-alert/domain';
import { ReferenceDataRepository, StaffAccount, StaffAccountRepository, UsernameTakenError } from '@bin-alert/persistence';
import { FieldProblem, RequestValidationError, hashPassword } from '@bin-alert/platform';
import { ChangeAccountRequest, CreateAccountRequest } from './account.requests';

/** Admins create staff accounts, change their role and scope, and disable them; each change is audited. */
@Injectable()
export class AccountAdminService {
  constructor(
    private readonly accounts: StaffAccountRepository,
    private readonly references: ReferenceDataRepository,
  ) {}

  list(): Promise<StaffAccount[]> {
    return this.accounts.list();
  }

  async create(request: CreateAccountRequest, admin: Principal, origin: Required<RequestOrigin>): Promise<StaffAccount> {
    const scope: StaffScope = { role: request.role, policeZone: request.policeZone ?? null, binIds: request.bins ?? [] };
    await this.checkScope(scope);
    const id = randomUUID();
    try {
      return await this.accounts.create(
        { id, username: request.username, displayName: request.displayName, passwordHash: await hashPassword(request.password), ...scopeColumns(scope) },
        { actor: admin, action: AUDIT_ACTIONS.accountCreated, target: { type: 'account', id }, details: { username: request.username, ...scopeDetails(scope) }, origin },
      );
    } catch (error) {
      if (error instanceof UsernameTakenError) throw new DomainError('account.username_taken', `username '${error.username}' is taken`);
      throw error;
    }
  }

  async change(id: string, request: ChangeAccountRequest, admin: Principal, origin: Required<RequestOrigin>): Promise<StaffAccount> {
    const current = await this.existing(id);
    const next: StaffScope = {
      role: request.role ?? current.role,
      policeZone: request.policeZone !== undefined ? request.policeZone : current.policeZone,
      binIds: request.bins ?? current.binIds,
    };
    await this.checkScope(next);
    if (current.role === 'admin' && next.role !== 'admin' && !current.disabledAt) await this.keepAnAdmin('demoted');
    const changed = await this.accounts.update(
      id,
      { displayName: request.displayName ?? current.displayName, ...scopeColumns(next), passwordHash: request.password ? await hashPassword(request.password) : undefined },
      {
        actor: admin,
        action: AUDIT_ACTIONS.accountChanged,
        target: { type: 'account', id },
        details: {
          before: { displayName: current.displayName, ...scopeDetails(current) },
          after: { displayName: request.displayName ?? current.displayName, ...scopeDetails(next) },
          passwordChanged: request.password !== undefined,
        },
        origin,
      },
    );
    if (!changed) throw new DomainError('account.not_found', `no account with id ${id}`);
    return changed;
  }

  async disable(id: string, admin: Principal, origin: Required<RequestOrigin>): Promise<StaffAccount> {
    const current = await this.existing(id);
    if (current.disabledAt) return current;
    if (current.role === 'admin') await this.keepAnAdmin('disabled');
    const disabled = await this.accounts.disable(id, {
      actor: admin,
      action: AUDIT_ACTIONS.accountDisabled,
      target: { type: 'account', id },
      details: { username: current.username },
      origin,
    });
    return disabled!;
  }

  private async existing(id: string): Promise<StaffAccount> {
    const account = await this.accounts.findById(id);
    if (!account) throw new DomainError('account.not_found', `no account with id ${id}`);
    return account;
  }

  /** An installation without an active admin could never be administered again. */
  private async keepAnAdmin(what: string): Promise<void> {
    if ((await this.accounts.countActiveAdmins()) <= 1) throw new DomainError('account.last_admin', `the last active admin cannot be ${what}; make another admin first`);
  }

  /** The scope fits the role, names a police zone that has BINs, and only BINs that exist. */
  private async checkScope(scope: StaffScope): Promise<void> {
    const problems: FieldProblem[] = staffScopeProblems(scope);
    if (scope.policeZone && !problems.some((p) => p.field === 'policeZone')) {
      const zones = [...new Set((await this.references.listBins()).map((b) => b.policeZone))].sort();
      if (!zones.includes(scope.policeZone))
        problems.push({ field: 'policeZone', code: 'unknown', reason: `unknown police zone '${scope.policeZone}'; known: ${zones.join(', ')}` });
    }
    if (scope.binIds.length > 0 && !problems.some((p) => p.field === 'bins')) {
      for (const bin of await this.references.unknownBinIds(scope.binIds))
        problems.push({ field: `bins[${scope.binIds.indexOf(bin)}]`, code: 'unknown', reason: `unknown BIN '${bin}'` });
    }
    if (problems.length > 0) throw new RequestValidationError(problems);
  }
}

function scopeColumns(scope: StaffScope): Pick<StaffAccount, 'role' | 'policeZone' | 'binIds'> {
  return { role: scope.role, policeZone: scope.policeZone ?? null, binIds: scope.binIds };
}

function scopeDetails(scope: StaffScope): Record<string, unknown> {
  return { role: scope.role, policeZone: scope.policeZone ?? null, bins: scope.binIds };
}

/** What the API shows of an account: never its password hash. */
export function accountView(account: StaffAccount) {
  return {
    id: account.id,
    username: account.username,
    displayName: account.displayName,
    role: account.role,
    policeZone: account.policeZone,
    bins: account.binIds,
    disabledAt: account.disabledAt?.toISOString() ?? null,
    createdAt: account.createdAt.toISOString(),
  };
}
