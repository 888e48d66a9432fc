import { Channel } from '../vocabulary';
import { CsvColumn, CsvDelimiter, writeCsv } from './csv';

/**
 * GET /v1/reports/messages and /membership as JSON (the console reads the same type): the period
 * asked for (ISO 8601), the BINs counted (the reader's scope, or those asked for within it), the rows.
 */
export interface ReportAnswer<Row> {
  from: string;
  to: string;
  bins: string[];
  rows: Row[];
}

/** One line of the boards' yearly overview: per BIN, category, month (Europe/Brussels) and channel. */
export interface MessagesSentRow {
  binId: string;
  category: string;
  month: string;
  channel: Channel;
  alerts: number;
  /** Members of that BIN the provider took the message for. */
  reached: number;
}

/** Members of a BIN in a month: active at its end, joined and resigned in it. */
export interface MembershipCountRow {
  binId: string;
  month: string;
  active: number;
  joined: number;
  resigned: number;
}

/** One channel of an alert's reach: who was considered, planned, reached, and why the others were not. */
export interface AlertReachRow {
  channel: Channel;
  members: number;
  planned: number;
  reached: number;
  /** Deliveries that were a channel fallback for a failed SMS of an urgent alert (ADR 0032). */
  fallbacks: number;
  suppressedByReason: Record<string, number>;
  failedByReason: Record<string, number>;
}

/** The CSV of each report has the JSON's field names as its headers, so both read the same. */
const MESSAGES_COLUMNS: Array<CsvColumn<MessagesSentRow>> = (['binId', 'category', 'month', 'channel', 'alerts', 'reached'] as const).map((k) => ({
  header: k,
  value: (r) => r[k],
}));

const MEMBERSHIP_COLUMNS: Array<CsvColumn<MembershipCountRow>> = (['binId', 'month', 'active', 'joined', 'resigned'] as const).map((k) => ({ header: k, value: (r) => r[k] }));

/**
 * An alert's reach in long form, one figure per line, so that the reasons (a set that differs per
 * channel and grows with the code) need no column of their own and a pivot table sums them:
 * `measure` is members, planned, reached or fallbacks (no reason), or suppressed or failed (with its reason).
 */
export interface ReachFigure {
  channel: Channel;
  measure: 'members' | 'planned' | 'reached' | 'fallbacks' | 'suppressed' | 'failed';
  reason: string | null;
  count: number;
}

export function reachFigures(rows: AlertReachRow[]): ReachFigure[] {
  return rows.flatMap((r) => [
    { channel: r.channel, measure: 'members' as const, reason: null, count: r.members },
    { channel: r.channel, measure: 'planned' as const, reason: null, count: r.planned },
    { channel: r.channel, measure: 'reached' as const, reason: null, count: r.reached },
    { channel: r.channel, measure: 'fallbacks' as const, reason: null, count: r.fallbacks },
    ...Object.entries(r.suppressedByReason).map(([reason, count]) => ({ channel: r.channel, measure: 'suppressed' as const, reason, count })),
    ...Object.entries(r.failedByReason).map(([reason, count]) => ({ channel: r.channel, measure: 'failed' as const, reason, count })),
  ]);
}

const REACH_COLUMNS: Array<CsvColumn<ReachFigure>> = (['channel', 'measure', 'reason', 'count'] as const).map((k) => ({ header: k, value: (r) => r[k] }));

export const messagesSentCsv = (rows: MessagesSentRow[], delimiter?: CsvDelimiter) => writeCsv(MESSAGES_COLUMNS, rows, delimiter);
export const membershipCountsCsv = (rows: MembershipCountRow[], delimiter?: CsvDelimiter) => writeCsv(MEMBERSHIP_COLUMNS, rows, delimiter);
export const alertReachCsv = (rows: AlertReachRow[], delimiter?: CsvDelimiter) => writeCsv(REACH_COLUMNS, reachFigures(rows), delimiter);
