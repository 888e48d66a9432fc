import { Injectable } from '@nestjs/common';
import { DataSource, QueryRunner } from 'typeorm';
import {
  CHANNELS,
  CONTACT_KIND_FOR_CHANNEL,
  CategoryRule,
  Channel,
  DELIVERY_ID_NAMESPACE,
  QuietHoursBehaviour,
  SuppressionReason,
  Urgency,
  alertExpired,
  localClock,
  quietHoursHold,
} from '@bin-alert/domain';

/** Whom an alert goes to: the members of its BINs, or, for an update or cancel, the original's recipients. */
export type PlanningAudience = { kind: 'bins'; binIds: string[]; categoryCode: string; testGroupOnly: boolean } | { kind: 'original'; originalAlertId: string };

export interface PlanningTarget {
  alertId: string;
  channel: Channel;
  audience: PlanningAudience;
  rule: CategoryRule;
  urgency: Urgency;
  quietHours: QuietHoursBehaviour;
  expiresAt: Date | null;
  /** Partitions of the jobs topics: each planned delivery is given its member's. */
  jobPartitions: number;
  /** Deliveries per job. */
  jobSize: number;
  /** Members a page: of an update's or cancel's audience, and the least of a snapshot page. */
  pageSize: number;
  /**
   * Members of the first page of the targeted BINs, read by index; later pages come from the
   * snapshot. Smaller for an urgent alert, so that its first jobs leave sooner.
   */
  firstPageSize: number;
  /** Members a page from the snapshot; by default the larger of pageSize, a job per partition and SNAPSHOT_PAGE. */
  snapshotPageSize?: number;
}

/**
 * A job as planning cuts it: the planned, not held deliveries of one partition whose member ids
 * lie in [first, last] (inclusive, uuid order). Ranges of one alert and channel never overlap.
 */
export interface PlannedJobRange {
  partition: number;
  first: string;
  last: string;
  deliveries: number;
}

export type PlanningOutcome = 'planned' | SuppressionReason;

export interface PlannedPage {
  /** Members of the audience this page decided on. */
  members: number;
  /** Rows this page wrote, by outcome: a second planning of the same alert writes none. */
  written: Partial<Record<PlanningOutcome, number>>;
  jobs: PlannedJobRange[];
}

/** The job partition of a member, as memberPartition() computes it: SHA-1 of the id, first four bytes big-endian, modulo. */
export function memberPartitionSql(memberId: string, partitions: string): string {
  return `((('x' || encode(substr(digest(${memberId}::text, 'sha1'), 1, 4), 'hex'))::bit(32)::bigint % ${partitions})::smallint)`;
}

/** The delivery id of deliveryId(): a version-5 UUID of "<alert>:<member>:<channel>" (ADR 0004). */
function deliveryIdSql(alertId: string, memberId: string, channel: string): string {
  return `uuid_generate_v5('${DELIVERY_ID_NAMESPACE}'::uuid, ${alertId} || ':' || ${memberId}::text || ':' || ${channel})`;
}

/** Bind parameters by name, so that statements assembled from fragments number them right. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

/**
 * A source of one page of candidates: a CTE named `page` with, per member, what the rule needs
 * (member_id, language, contact_id, verified, opted_out, preference, qs, qe) and partition_hint,
 * the job partition to keep (an update or cancel keeps its original's).
 */
interface PageSource {
  cte: string;
  /** Extra columns of the statement's result. */
  select?: string;
}

const UNIQUE_VIOLATION = '23505';
/** A shared snapshot dropped while this planner read it (ADR 0067): it is built again. */
const UNDEFINED_TABLE = '42P01';
/** Times a planner builds its alert's snapshot again because it went away under it, before it gives up. */
const SNAPSHOT_REBUILDS = 3;
/** A shared snapshot this old is a leftover: a channel's planner that never came, or one that failed and is not retried. */
const LEFTOVER_AFTER = '1 hour';

/** The shared audience snapshot of an alert (ADR 0067): a name of its own per alert, so that dropping it is one statement. */
function audienceTable(alertId: string): string {
  if (!/^[0-9a-f-]{36}$/i.test(alertId)) throw new Error(`not an alert id: '${alertId}'`);
  return `planning_audience_${alertId.replace(/-/g, '').toLowerCase()}`;
}

/**
 * Members a page from the snapshot at least: each statement has a fixed cost (planning it, its
 * commit) worth ~4 µs a member at 1,000 (1,000,000 members on one channel: 21 s and 18.7 s of
 * PostgreSQL CPU at 1,000 a page, 16.3 s and 14.7 s at 5,000, no better at 20,000). A page also
 * holds enough to fill a job in every partition: SendGrid takes 1,000 recipients a request.
 */
const SNAPSHOT_PAGE = 5000;

/**
 * Planning in PostgreSQL (ADR 0016): for one alert and channel, the audience is read, the
 * recipient rule applied and the delivery rows written by one INSERT … SELECT per page, and the
 * planned deliveries come back as job ranges rather than as rows. Nothing per member travels to
 * Node.
 *
 * The rule is libs/domain's (recipient-decision.ts: recipientRule); the SQL below is
 * its transcription, held to the same case table (recipient-cases.ts) by
 * planning-rule.int-spec.ts. The wall-clock part of quiet hours (the time zone) stays in
 * TypeScript: PostgreSQL gets the local minute of the day and does the integer arithmetic.
 */
@Injectable()
export class PlanningRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Plans the whole audience, calling `onPage` after each page's rows are committed (it emits
   * the page's jobs). The next page is written while `onPage` of the previous one runs.
   *
   * The first page is read by index (a k-way merge over the targeted BINs' memberships), so the
   * first jobs of an urgent alert leave at once. The rest of a large audience is read from the
   * alert's snapshot, one set-based read (hash joins, sequential scans) of the whole audience with
   * what every channel's decision needs, built once by whichever channel's planner gets there
   * first and shared with the others (ADR 0067), then written page by page from it: reading a
   * million members by index costs several times more, each member's rows lying on a different
   * page of a table larger than shared_buffers.
   *
   * Rows are inserted without ON CONFLICT (a third cheaper); if the alert has rows on this channel
   * already (a redelivered alert event, or another planner of the same alert got there first), the
   * unique violation makes this one switch to ON CONFLICT DO NOTHING and write the page again.
   *
   * `beforeStatement`, if given, is awaited before each page's statement and before the snapshot's:
   * the normal lane's planning waits there while urgent work runs (AlertExpander, ADR 0063).
   */
  async plan(target: PlanningTarget, clock: () => Date, onPage: (page: PlannedPage) => Promise<void>, beforeStatement: () => Promise<void> = async () => undefined): Promise<void> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    /** The alert's snapshot, once this planner has planned from it. */
    let shared: string | null = null;
    let published: Promise<void> = Promise.resolve();
    try {
      // No look-up for rows written before: a redelivered alert event meets the unique violation on
      // its first page and writes from then on with ON CONFLICT, one round trip less for the rest.
      let onConflict = false;
      const write = async (source: (p: Params) => PageSource): Promise<Record<string, unknown>> => {
        for (;;) {
          try {
            await beforeStatement();
            const row = await this.writePage(runner, target, source, clock(), onConflict);
            await published;
            const page: PlannedPage = { members: row.members as number, written: (row.written as PlannedPage['written']) ?? {}, jobs: (row.jobs as PlannedJobRange[]) ?? [] };
            if (page.members > 0) {
              published = onPage(page);
              // Awaited before the next page's jobs; handled now, so that its failure while the next page is written is no unhandled rejection (which ends the process).
              published.catch(() => undefined);
            }
            return row;
          } catch (error) {
            if (onConflict || (error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
            onConflict = true;
          }
        }
      };

      if (target.audience.kind === 'original') {
        let after: string | null = null;
        for (;;) {
          const row = await write((p) => originalRecipientsPage(p, target, after));
          if ((row.members as number) < target.pageSize) break;
          after = row.last_member as string;
        }
      } else {
        const first = await write((p) => firstAudiencePage(p, target));
        let after = first.next_after as string | null;
        if (after !== null) {
          const table = audienceTable(target.alertId);
          shared = table;
          await beforeStatement();
          await this.shareAudience(runner, target, table);
          const pageSize = target.snapshotPageSize ?? Math.max(target.pageSize, target.jobSize * target.jobPartitions, SNAPSHOT_PAGE);
          for (let rebuilds = 0; ; ) {
            let row: Record<string, unknown>;
            try {
              row = await write((p) => snapshotPage(p, table, target.channel, after as string, pageSize));
            } catch (error) {
              // Every channel planned and the last one dropped the snapshot while this planner (a
              // second of its channel, a redelivered event) still read it, or it was a leftover.
              // Paging is by member id, so a snapshot built again carries on where this one stopped.
              if ((error as { code?: string }).code !== UNDEFINED_TABLE || ++rebuilds > SNAPSHOT_REBUILDS) throw error;
              await beforeStatement();
              await this.shareAudience(runner, target, table);
              continue;
            }
            if ((row.members as number) < pageSize) break;
            after = row.last_member as string;
          }
        }
      }
      await published;
      // Pages commit without waiting for their WAL to reach the disk (below); this commit waits,
      // and with it everything before it, before the alert counts as planned.
      await runner.query(`SELECT pg_current_xact_id()`);
      if (shared !== null) await this.plannedFromAudience(runner, target, shared);
    } finally {
      // A failed page leaves the previous page's jobs to finish (or fail) before the connection goes.
      // The snapshot stays for the retry of the alert event (or as a leftover, for the next planning to drop).
      await published.catch(() => undefined);
      await runner.release();
    }
  }

  /**
   * The deliveries a job range stands for, right before they are sent: those of its partition in
   * the range that are still to send (planned) or in a sender's hands (sending: a lease that may
   * have to run out first), not held for quiet hours: `due = 'send'`, a generated column, so
   * that the claim (planned to sending) changes no indexed column (ADR 0046).
   */
  async jobDeliveryIds(job: { alertId: string; channel: Channel; partition: number; first: string; last: string }): Promise<string[]> {
    return this.jobsDeliveryIds(job.alertId, job.channel, [job], 'member');
  }

  /**
   * The deliveries of several job ranges of one alert and channel (jobs fetched together), as
   * jobDeliveryIds reads each, in one statement: the ranges' order, then member order; with
   * `language`, those of one language together first, as an e-mail request carries one
   * language's content (a chunk cut from this order makes one full request per language).
   *
   * `OFFSET 0` keeps the lateral subquery apart, so each range's partition and members are index
   * conditions of `deliveries_job_unsent`. Flattened, the planner may read the whole alert's
   * unsent rows by (alert, channel) and filter them: it did whenever the table's statistics
   * predated the alert, as they always do for a new one (3.7 s a look-up, 427,548 rows read for
   * 100, at 1,000,000 members).
   */
  async jobsDeliveryIds(alertId: string, channel: Channel, ranges: Array<{ partition: number; first: string; last: string }>, order: 'member' | 'language'): Promise<string[]> {
    if (ranges.length === 0) return [];
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT d.id
         FROM unnest($3::smallint[], $4::uuid[], $5::uuid[]) WITH ORDINALITY AS r(part, first, last, n)
        CROSS JOIN LATERAL (
              SELECT id, language, member_id FROM deliveries
               WHERE alert_id = $1::uuid AND channel = $2::text AND job_partition = r.part AND member_id >= r.first AND member_id <= r.last
                 AND due = 'send'
               OFFSET 0) d
        ORDER BY ${order === 'language' ? 'd.language, ' : ''}r.n, d.member_id`,
      [alertId, channel, ranges.map((r) => r.partition), ranges.map((r) => r.first), ranges.map((r) => r.last)],
    );
    return rows.map((r) => r.id);
  }

  /**
   * The given deliveries, those of one language together (then in member order): an e-mail
   * request carries one language's content, so a chunk cut from this order makes one full
   * request per language instead of one small request per language in every chunk.
   */
  async inLanguageOrder(ids: string[]): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.db.query(`SELECT id FROM deliveries WHERE id = ANY($1::uuid[]) ORDER BY language, member_id`, [ids]);
    const ordered = rows.map((r) => r.id);
    // One that no longer exists stays in the list: claiming it finds nothing, as it would have.
    if (ordered.length < ids.length) {
      const found = new Set(ordered);
      ordered.push(...ids.filter((id) => !found.has(id)));
    }
    return ordered;
  }

  /** SET LOCAL keeps each setting to its transaction: the connection goes back to the pool, and in standalone mode PGlite is one session for every app. */
  private async inTransaction<T>(runner: QueryRunner, settings: string[], work: () => Promise<T>): Promise<T> {
    await runner.startTransaction();
    try {
      for (const setting of settings) await runner.query(setting);
      const result = await work();
      await runner.commitTransaction();
      return result;
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  }

  /**
   * One page, one statement, one round trip (the dispatcher's event loop is busy sending while it
   * plans: each extra round trip waits for it). The page commits without waiting for its WAL to
   * reach the disk (set_config(…, true) is SET LOCAL, and the statement is its own transaction):
   * at a million rows the planner's own dirty pages are evicted from shared_buffers as it writes,
   * and each eviction of a page whose WAL is not on disk yet waited for an fsync; the WAL writer
   * flushes in the background instead. A crash of PostgreSQL before the final flush in plan()
   * fails the expansion, the alert event is delivered again, and planning writes again what was
   * lost (a sender's claim is a synchronous commit, so a row it claimed was on disk).
   */
  private async writePage(runner: QueryRunner, target: PlanningTarget, source: (p: Params) => PageSource, now: Date, onConflict: boolean): Promise<Record<string, unknown>> {
    const p = new Params();
    const page = source(p);
    const alertId = p.add(target.alertId, 'text');
    const channel = p.add(target.channel, 'text');
    const followUp = target.audience.kind === 'original';
    // Only what the statement uses is bound: PostgreSQL cannot type a parameter it never sees.
    const rule = followUp ? '' : p.add(target.rule, 'text');
    const holds = p.add(quietHoursHold(target.urgency, target.quietHours), 'boolean');
    const expired = p.add(alertExpired(target.expiresAt, now), 'boolean');
    const at = p.add(now, 'timestamptz');
    const clock = localClock(now);
    const minute = p.add(clock.minuteOfDay, 'int');
    const ms = p.add(clock.msIntoMinute, 'int');
    const partitions = p.add(target.jobPartitions, 'int');
    const jobSize = p.add(target.jobSize, 'int');
    const sql = `
      WITH ${page.cte},
      decided AS (
        SELECT c.member_id, c.language, c.contact_id, c.partition_hint,
               CASE WHEN c.contact_id IS NULL THEN 'no_contact_point'
                    WHEN NOT c.verified THEN 'contact_not_verified'
                    WHEN c.opted_out THEN 'stopped_by_recipient'
                    ${
                      followUp
                        ? ''
                        : `WHEN ${rule} = 'opt_out' AND c.preference IS FALSE THEN 'opted_out'
                    WHEN ${rule} = 'opt_in' AND c.preference IS NOT TRUE THEN 'not_opted_in'`
                    }
                    WHEN ${expired} THEN 'expired'
               END AS reason,
               CASE WHEN ${holds} AND w.s <> w.e
                         AND CASE WHEN w.s < w.e THEN ${minute} >= w.s AND ${minute} < w.e ELSE ${minute} >= w.s OR ${minute} < w.e END
                    THEN ${at} + ((w.e - ${minute} + 1440) % 1440 * 60000 - ${ms}) * interval '1 millisecond'
               END AS held_until
          FROM page c
          LEFT JOIN LATERAL (SELECT substr(c.qs, 1, 2)::int * 60 + substr(c.qs, 4, 2)::int AS s,
                                    substr(c.qe, 1, 2)::int * 60 + substr(c.qe, 4, 2)::int AS e) w ON true
      ),
      decision AS (
        SELECT member_id, reason,
               CASE WHEN reason IS NULL THEN contact_id END AS contact_id,
               CASE WHEN reason IS NULL THEN language END AS language,
               CASE WHEN reason IS NULL THEN held_until END AS deferred_until,
               CASE WHEN reason IS NULL THEN coalesce(partition_hint, ${memberPartitionSql('member_id', partitions)}) END AS job_partition
          FROM decided
      ),
      written AS (
        INSERT INTO deliveries (id, alert_id, member_id, channel, status, reason, contact_point_id, language, deferred_until, job_partition)
        SELECT ${deliveryIdSql(alertId, 'member_id', channel)}, ${alertId}::uuid, member_id, ${channel},
               CASE WHEN reason IS NULL THEN 'planned' ELSE 'suppressed' END, reason, contact_id, language, deferred_until, job_partition
          FROM decision
        ${onConflict ? 'ON CONFLICT DO NOTHING RETURNING reason' : ''}
      ),
      -- Each job's first and last member: the page's sendable deliveries numbered per partition, cut every jobSize.
      numbered AS (
        SELECT job_partition, member_id, row_number() OVER (PARTITION BY job_partition ORDER BY member_id) AS n,
               count(*) OVER (PARTITION BY job_partition) AS total
          FROM decision WHERE reason IS NULL AND deferred_until IS NULL
      )
      SELECT set_config('synchronous_commit', 'off', true) AS commit_mode,
             (SELECT count(*)::int FROM decision) AS members,
             ${followUp ? `(SELECT max(member_id::text COLLATE "C") FROM decision) AS last_member,` : ''}
             (SELECT json_object_agg(coalesce(reason, 'planned'), n)
                FROM (SELECT reason, count(*)::int AS n FROM ${onConflict ? 'written' : 'decision'} GROUP BY reason) o) AS written,
             (SELECT json_agg(json_build_object('partition', job_partition, 'first', first, 'last', last, 'deliveries', deliveries) ORDER BY job_partition, first)
                FROM (SELECT job_partition, min(m) AS first, max(m) AS last, least(max(total) - (min(n) - 1), ${jobSize})::int AS deliveries
                        FROM (SELECT job_partition, total, n, member_id::text COLLATE "C" AS m FROM numbered
                               WHERE (n - 1) % ${jobSize} = 0 OR n % ${jobSize} = 0 OR n = total) edges
                       GROUP BY job_partition, (n - 1) / ${jobSize}) j) AS jobs
             ${page.select ?? ''}`;
    const [row] = await this.records<Record<string, unknown>>(runner, sql, p.values);
    return row;
  }

  /**
   * The alert's audience snapshot, built unless another channel's planner (or an earlier planning
   * of this alert) built it: under a transaction-level advisory lock on the alert, so that the
   * planners that arrive while it is built wait for it instead of reading the audience again.
   * One row per member, in member order, with what every channel's decision needs (each channel's
   * contact point, STOP and choice under the alert's category); UNLOGGED, as it is rebuilt after a
   * crash rather than recovered. Hash joins over sequential scans: the planner's estimates favour
   * walking the member-ordered indexes (no sort needed), which at a million members is two reads of
   * a random heap page per member: 17.7 s where hash joins and one in-memory sort take 8.7 s.
   */
  private async shareAudience(runner: QueryRunner, target: PlanningTarget, table: string): Promise<void> {
    const audience = target.audience as Extract<PlanningAudience, { kind: 'bins' }>;
    const sequential = ['enable_mergejoin', 'enable_indexscan', 'enable_indexonlyscan', 'enable_bitmapscan', 'jit'].map((s) => `SET LOCAL ${s} = off`);
    await this.inTransaction(runner, [...sequential, `SET LOCAL work_mem = '128MB'`], async () => {
      await this.lockAudience(runner, target.alertId);
      const [built] = await runner.query(`SELECT 1 FROM planning_audiences WHERE alert_id = $1::uuid AND to_regclass($2::text) IS NOT NULL`, [target.alertId, table]);
      if (built) return;
      await this.dropLeftovers(runner);
      await runner.query(`DROP TABLE IF EXISTS ${table}`);
      await this.snapshotAudience(runner, table, audience);
      await runner.query(`INSERT INTO planning_audiences (alert_id) VALUES ($1::uuid) ON CONFLICT (alert_id) DO UPDATE SET planned = '{}', built_at = now()`, [target.alertId]);
    });
  }

  /** The one statement that reads the audience; a method of its own so that tests can count how often it runs. */
  private async snapshotAudience(runner: QueryRunner, table: string, audience: Extract<PlanningAudience, { kind: 'bins' }>): Promise<void> {
    const columns = CHANNELS.map((c) => `${c}_contact_id uuid, ${c}_verified boolean, ${c}_opted_out boolean, ${c}_preference boolean`).join(', ');
    await runner.query(`CREATE UNLOGGED TABLE ${table} (member_id uuid PRIMARY KEY, language text, qs text, qe text, ${columns})`);
    const p = new Params();
    const category = p.add(audience.categoryCode, 'text');
    const selected = CHANNELS.map((c) => `cp_${c}.id, cp_${c}.verified_at IS NOT NULL, cp_${c}.sms_opted_out_at IS NOT NULL, pr_${c}.enabled`).join(', ');
    const joins = CHANNELS.map(
      (c) => `LEFT JOIN contact_points cp_${c} ON cp_${c}.member_id = m.id AND cp_${c}.kind = ${p.add(CONTACT_KIND_FOR_CHANNEL[c], 'text')}
         LEFT JOIN preferences pr_${c} ON pr_${c}.member_id = m.id AND pr_${c}.category_code = ${category} AND pr_${c}.channel = ${p.add(c, 'text')}`,
    ).join('\n         ');
    await runner.query(
      `INSERT INTO ${table}
       SELECT m.id, m.language, m.quiet_hours_start, m.quiet_hours_end, ${selected}
         FROM members m
         ${joins}
        WHERE EXISTS (SELECT 1 FROM memberships ms WHERE ms.member_id = m.id AND ms.bin_id = ANY(${p.add(audience.binIds, 'text[]')}) AND ms.status = 'active')
          AND (NOT ${p.add(audience.testGroupOnly, 'boolean')} OR m.is_test_group)
        ORDER BY m.id`,
      p.values,
    );
  }

  /** Builds, uses and drops of one alert's snapshot, one at a time; a transaction-level lock, so a failure cannot leave it held. */
  private async lockAudience(runner: QueryRunner, alertId: string): Promise<void> {
    await runner.query(`SELECT pg_advisory_xact_lock(hashtextextended('planning_audience:' || $1::text, 0))`, [alertId]);
  }

  /**
   * This channel has planned from the alert's snapshot: the last channel to get there drops it.
   * A channel that plans from it again later (a redelivered alert event) builds it again, and the
   * next planning drops that as a leftover if the other channels never come back to it.
   */
  private async plannedFromAudience(runner: QueryRunner, target: PlanningTarget, table: string): Promise<void> {
    await this.inTransaction(runner, [], async () => {
      await this.lockAudience(runner, target.alertId);
      // records(): TypeORM answers an UPDATE or DELETE with [rows, count].
      const [row] = await this.records<{ complete: boolean }>(
        runner,
        `UPDATE planning_audiences SET planned = ARRAY(SELECT DISTINCT c FROM unnest(planned || $2::text) c ORDER BY c)
          WHERE alert_id = $1::uuid RETURNING planned @> $3::text[] AS complete`,
        [target.alertId, target.channel, [...CHANNELS]],
      );
      if (!row?.complete) return;
      await runner.query(`DROP TABLE IF EXISTS ${table}`);
      await runner.query(`DELETE FROM planning_audiences WHERE alert_id = $1::uuid`, [target.alertId]);
    });
  }

  /** Snapshots older than LEFTOVER_AFTER; a planner still reading one builds it again (plan()). */
  private async dropLeftovers(runner: QueryRunner): Promise<void> {
    const rows = await this.records<{ alert_id: string }>(
      runner,
      `DELETE FROM planning_audiences WHERE built_at < now() - interval '${LEFTOVER_AFTER}' RETURNING alert_id::text`,
      [],
    );
    for (const { alert_id } of rows) await runner.query(`DROP TABLE IF EXISTS ${audienceTable(alert_id)}`);
  }

  private async records<T>(runner: QueryRunner, sql: string, parameters: unknown[]): Promise<T[]> {
    return (await runner.query(sql, parameters, true)).records as T[];
  }
}

/** The candidate columns of a targeted member, from members, their contact point for the channel and their choice. */
function targetedCandidates(p: Params, target: PlanningTarget, members: string): string {
  const audience = target.audience as Extract<PlanningAudience, { kind: 'bins' }>;
  return `SELECT m.id AS member_id, m.language, cp.id AS contact_id, cp.verified_at IS NOT NULL AS verified, cp.sms_opted_out_at IS NOT NULL AS opted_out,
                 pr.enabled AS preference, m.quiet_hours_start AS qs, m.quiet_hours_end AS qe, NULL::smallint AS partition_hint
            FROM ${members}
            LEFT JOIN LATERAL (SELECT cp.id, cp.verified_at, cp.sms_opted_out_at FROM contact_points cp
                                WHERE cp.member_id = m.id AND cp.kind = ${p.add(CONTACT_KIND_FOR_CHANNEL[target.channel], 'text')} LIMIT 1) cp ON true
            LEFT JOIN LATERAL (SELECT pr.enabled FROM preferences pr
                                WHERE pr.member_id = m.id AND pr.category_code = ${p.add(audience.categoryCode, 'text')} AND pr.channel = ${p.add(target.channel, 'text')} LIMIT 1) pr ON true`;
}

/**
 * The first members of the targeted BINs in member order, by a k-way merge of each BIN's active
 * memberships (index memberships_bin_active): each BIN gives at most k, and the page ends at the
 * smallest last member among the BINs that gave k, so that every member up to there is in it.
 * `next_after` is that member, or null when every BIN ran out (the audience is done).
 */
function firstAudiencePage(p: Params, target: PlanningTarget): PageSource {
  const audience = target.audience as Extract<PlanningAudience, { kind: 'bins' }>;
  const bins = [...new Set(audience.binIds)];
  const k = p.add(Math.max(1, Math.ceil(target.firstPageSize / Math.max(1, bins.length))), 'int');
  const binIds = p.add(bins, 'text[]');
  const testGroupOnly = p.add(audience.testGroupOnly, 'boolean');
  return {
    cte: `per_bin AS (
            SELECT b.bin_id, x.member_id FROM unnest(${binIds}) AS b(bin_id)
            CROSS JOIN LATERAL (SELECT ms.member_id FROM memberships ms WHERE ms.bin_id = b.bin_id AND ms.status = 'active' ORDER BY ms.member_id LIMIT ${k}) x
          ),
          cut AS (
            SELECT min(last) AS upto FROM (SELECT max(member_id::text COLLATE "C") AS last FROM per_bin GROUP BY bin_id HAVING count(*) = ${k}) full_bins
          ),
          page AS (
            ${targetedCandidates(
              p,
              target,
              `(SELECT m.* FROM members m
                 WHERE m.id IN (SELECT member_id FROM per_bin, cut WHERE cut.upto IS NULL OR per_bin.member_id <= cut.upto::uuid)
                   AND (NOT ${testGroupOnly} OR m.is_test_group)) m`,
            )}
          )`,
    select: `, (SELECT upto FROM cut) AS next_after`,
  };
}

/** The next `size` members after `after` in an alert's snapshot, with this channel's columns; `last_member` is where the next page starts. */
function snapshotPage(p: Params, table: string, channel: Channel, after: string, size: number): PageSource {
  return {
    cte: `page AS (
            SELECT member_id, language, ${channel}_contact_id AS contact_id, ${channel}_verified AS verified, ${channel}_opted_out AS opted_out,
                   ${channel}_preference AS preference, qs, qe, NULL::smallint AS partition_hint
              FROM ${table} WHERE member_id > ${p.add(after, 'uuid')} ORDER BY member_id LIMIT ${p.add(size, 'int')}
          )`,
    select: `, (SELECT max(member_id::text COLLATE "C") FROM page) AS last_member`,
  };
}

/**
 * The members the original reached on this channel (reachedByOriginal: accepted by the
 * provider, or being handed to it right now), at the contact point it went to, in the language
 * it was written in, with today's STOP; an erased contact point is no contact point. Their
 * preferences, memberships and quiet hours play no part (ADR 0008). The original's job partition
 * is kept, so that the follow-up's job is on the same partition as the original's, behind it.
 */
function originalRecipientsPage(p: Params, target: PlanningTarget, after: string | null): PageSource {
  const audience = target.audience as Extract<PlanningAudience, { kind: 'original' }>;
  return {
    cte: `page AS (
            SELECT d.member_id, d.language, cp.id AS contact_id, true AS verified, cp.sms_opted_out_at IS NOT NULL AS opted_out,
                   NULL::boolean AS preference, NULL::text AS qs, NULL::text AS qe, d.job_partition AS partition_hint
              FROM (SELECT member_id, language, contact_point_id, job_partition FROM deliveries
                     WHERE alert_id = ${p.add(audience.originalAlertId, 'uuid')} AND channel = ${p.add(target.channel, 'text')}
                       AND (accepted_at IS NOT NULL OR status = 'sending')
                       ${after === null ? '' : `AND member_id > ${p.add(after, 'uuid')}`}
                     ORDER BY member_id LIMIT ${p.add(target.pageSize, 'int')}) d
              LEFT JOIN LATERAL (SELECT cp.id, cp.sms_opted_out_at FROM contact_points cp WHERE cp.id = d.contact_point_id LIMIT 1) cp ON true
          )`,
  };
}
