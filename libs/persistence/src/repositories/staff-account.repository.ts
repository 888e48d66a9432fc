import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import type { AuditEntry, StaffRole } from '@bin-alert/domain';
import { AuditTrail } from '../audit/audit-trail';

export interface StaffAccount {
  id: string;
  username: string;
  displayName: string;
  role: StaffRole;
  /** Operators and supervisors only. */
  policeZone: string | null;
  /** Board members only. */
  binIds: string[];
  disabledAt: Date | null;
  createdAt: Date;
}

export interface NewStaffAccount {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  role: StaffRole;
  policeZone: string | null;
  binIds: string[];
}

/** The account's next state; the password hash only when it changes. */
export interface StaffAccountChange {
  displayName: string;
  role: StaffRole;
  policeZone: string | null;
  binIds: string[];
  passwordHash?: string;
}

export class UsernameTakenError extends Error {
  constructor(readonly username: string) {
    super(`username '${username}' is taken`);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const SELECT_ACCOUNT = `
  SELECT a.id, a.username, a.display_name, a.role, a.police_zone, a.disabled_at, a.created_at, a.password_hash,
         coalesce(array_agg(b.bin_id ORDER BY b.bin_id) FILTER (WHERE b.bin_id IS NOT NULL), '{}') AS bin_ids
    FROM staff_accounts a LEFT JOIN staff_account_bins b ON b.account_id = a.id`;

/** Staff accounts; every change is written together with its audit line. */
@Injectable()
export class StaffAccountRepository {
  constructor(
    private readonly db: DataSource,
    private readonly audit: AuditTrail = new AuditTrail(db),
  ) {}

  async create(account: NewStaffAccount, audit: AuditEntry): Promise<StaffAccount> {
    try {
      await this.db.transaction(async (tx) => {
        await tx.query(`INSERT INTO staff_accounts (id, username, display_name, password_hash, role, police_zone) VALUES ($1, $2, $3, $4, $5, $6)`, [
          account.id,
          account.username,
          account.displayName,
          account.passwordHash,
          account.role,
          account.policeZone,
        ]);
        await this.writeBins(tx, account.id, account.binIds);
        await this.audit.record(audit, tx);
      });
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { constraint?: string }).constraint === 'staff_accounts_username_unique') {
        throw new UsernameTakenError(account.username);
      }
      throw error;
    }
    return (await this.findById(account.id))!;
  }

  async update(id: string, change: StaffAccountChange, audit: AuditEntry): Promise<StaffAccount | null> {
    const updated = await this.db.transaction(async (tx) => {
      // UPDATE … RETURNING answers [rows, count].
      const [, count] = (await tx.query(
        `UPDATE staff_accounts SET display_name = $2, role = $3, police_zone = $4, password_hash = coalesce($5, password_hash), updated_at = now()
          WHERE id = $1 RETURNING id`,
        [id, change.displayName, change.role, change.policeZone, change.passwordHash ?? null],
      )) as [unknown[], number];
      if (count === 0) return false;
      await tx.query(`DELETE FROM staff_account_bins WHERE account_id = $1`, [id]);
      await this.writeBins(tx, id, change.binIds);
      await this.audit.record(audit, tx);
      return true;
    });
    return updated ? this.findById(id) : null;
  }

  /** Marks the account disabled (once: a second call changes nothing and records nothing). */
  async disable(id: string, audit: AuditEntry): Promise<StaffAccount | null> {
    await this.db.transaction(async (tx) => {
      const [, count] = (await tx.query(`UPDATE staff_accounts SET disabled_at = now(), updated_at = now() WHERE id = $1 AND disabled_at IS NULL RETURNING id`, [id])) as [
        unknown[],
        number,
      ];
      if (count > 0) await this.audit.record(audit, tx);
    });
    return this.findById(id);
  }

  async findById(id: string): Promise<StaffAccount | null> {
    // Ids of other origins (identity-provider subjects, tool accounts) name no local account.
    if (!UUID.test(id)) return null;
    const [row] = await this.query(`${SELECT_ACCOUNT} WHERE a.id = $1 GROUP BY a.id`, [id]);
    return row ? toAccount(row) : null;
  }

  /** The account and its password hash, for checking a login. */
  async findForLogin(username: string): Promise<{ account: StaffAccount; passwordHash: string } | null> {
    const [row] = await this.query(`${SELECT_ACCOUNT} WHERE a.username = $1 GROUP BY a.id`, [username]);
    return row ? { account: toAccount(row), passwordHash: row.password_hash } : null;
  }

  async list(): Promise<StaffAccount[]> {
    return (await this.query(`${SELECT_ACCOUNT} GROUP BY a.id ORDER BY a.username`, [])).map(toAccount);
  }

  async count(): Promise<number> {
    const [row] = await this.db.query(`SELECT count(*)::int AS n FROM staff_accounts`);
    return row.n as number;
  }

  async countActiveAdmins(): Promise<number> {
    const [row] = await this.db.query(`SELECT count(*)::int AS n FROM staff_accounts WHERE role = 'admin' AND disabled_at IS NULL`);
    return row.n as number;
  }

  private async writeBins(tx: EntityManager, accountId: string, binIds: string[]): Promise<void> {
    if (binIds.length > 0) await tx.query(`INSERT INTO staff_account_bins (account_id, bin_id) SELECT $1, unnest($2::text[])`, [accountId, binIds]);
  }

  private query(sql: string, params: unknown[]): Promise<AccountRow[]> {
    return this.db.query(sql, params);
  }
}

interface AccountRow {
  id: string;
  username: string;
  display_name: string;
  role: StaffRole;
  police_zone: string | null;
  disabled_at: Date | null;
  created_at: Date;
  password_hash: string;
  bin_ids: string[];
}

function toAccount(row: AccountRow): StaffAccount {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    policeZone: row.police_zone,
    binIds: row.bin_ids,
    disabledAt: row.disabled_at,
    createdAt: row.created_at,
  };
}
