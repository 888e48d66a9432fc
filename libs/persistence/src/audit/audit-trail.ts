import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AUDIT_ACTION_FORMAT, AuditEntry, StaffRole, withoutContactData } from '@bin-alert/domain';

export interface AuditFilter {
  action?: string;
  actorAccountId?: string;
  targetType?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
  /** Entries older than this one (the previous page's `nextCursor`). */
  before?: string;
  limit: number;
}

export interface AuditRecord {
  id: string;
  at: Date;
  actor: { accountId: string; role: StaffRole | null } | null;
  action: string;
  target: { type: string; id: string | null };
  details: Record<string, unknown>;
  clientIp: string | null;
  userAgent: string | null;
  correlationId: string | null;
}

export interface AuditPage {
  entries: AuditRecord[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** A client may send kilobytes of user agent; the audit log keeps what an admin can still read. */
const MAX_USER_AGENT = 512;

/**
 * The append-only audit log (ADR 0007). `record` writes with the caller's transaction manager, so
 * the action and its audit line commit or roll back together; PostgreSQL refuses UPDATE and
 * DELETE on the table.
 */
@Injectable()
export class AuditTrail {
  constructor(private readonly db: DataSource) {}

  async record(entry: AuditEntry, manager: EntityManager): Promise<void> {
    // A bad action name is a programming error: failing here rolls the caller's action back too.
    if (!AUDIT_ACTION_FORMAT.test(entry.action)) throw new Error(`audit action '${entry.action}' must read <what>.<what_happened>`);
    await manager.query(
      `INSERT INTO audit_log (actor_account_id, actor_role, action, target_type, target_id, details, client_ip, user_agent, correlation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        entry.actor?.accountId ?? null,
        entry.actor?.role ?? null,
        entry.action,
        entry.target.type,
        entry.target.id ?? null,
        JSON.stringify(withoutContactData(entry.details ?? {})),
        entry.origin?.clientIp ?? null,
        entry.origin?.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
        entry.origin?.correlationId ?? null,
      ],
    );
  }

  /** Newest first, keyset-paged on the entry id so that pages stay stable while entries are added. */
  async find(filter: AuditFilter): Promise<AuditPage> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.action) add('action = ?', filter.action);
    if (filter.actorAccountId) add('actor_account_id = ?', filter.actorAccountId);
    if (filter.targetType) add('target_type = ?', filter.targetType);
    if (filter.targetId) add('target_id = ?', filter.targetId);
    if (filter.from) add('at >= ?', filter.from);
    if (filter.to) add('at < ?', filter.to);
    if (filter.before) add('id < ?', filter.before);
    params.push(filter.limit + 1);
    // ORDER BY names the table's column: a bare `id` would be the text output column, and sort
    // "9" after "32" once the log holds ten lines.
    const rows: AuditRow[] = await this.db.query(
      `SELECT id::text, at, actor_account_id, actor_role, action, target_type, target_id, details, client_ip, user_agent, correlation_id
         FROM audit_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY audit_log.id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, filter.limit);
    return { entries: page.map(toRecord), nextCursor: rows.length > filter.limit ? page[page.length - 1].id : null };
  }
}

interface AuditRow {
  id: string;
  at: Date;
  actor_account_id: string | null;
  actor_role: StaffRole | null;
  action: string;
  target_type: string;
  target_id: string | null;
  details: Record<string, unknown>;
  client_ip: string | null;
  user_agent: string | null;
  correlation_id: string | null;
}

function toRecord(row: AuditRow): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor_account_id ? { accountId: row.actor_account_id, role: row.actor_role } : null,
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    details: row.details,
    clientIp: row.client_ip,
    userAgent: row.user_agent,
    correlationId: row.correlation_id,
  };
}
