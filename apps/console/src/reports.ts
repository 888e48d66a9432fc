import type { MembershipCountRow, MessagesSentRow } from '../../../libs/domain/src/reports/report-rows';
import type { ChannelName } from './api';

export const REPORT_CHANNELS: ChannelName[] = ['sms', 'email', 'voice'];

/** The twelve months of a year as the API spells them. */
export function monthsOf(year: number): string[] {
  return Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);
}

export type MonthlyMessages = { month: string } & Record<ChannelName, number>;

/**
 * Messages that reached members, per month and channel, over the chosen BINs and categories (none
 * chosen: all). Every month of the year is present, so an empty month shows as zero, not as a gap.
 */
export function messagesPerMonth(rows: MessagesSentRow[], year: number, filter: { bins: string[]; categories: string[] }): MonthlyMessages[] {
  const byMonth = new Map(monthsOf(year).map((month) => [month, { month, sms: 0, email: 0, voice: 0 } as MonthlyMessages]));
  for (const row of rows) {
    if (filter.bins.length > 0 && !filter.bins.includes(row.binId)) continue;
    if (filter.categories.length > 0 && !filter.categories.includes(row.category)) continue;
    const month = byMonth.get(row.month);
    if (month) month[row.channel] += row.reached;
  }
  return [...byMonth.values()];
}

export interface BinMembership {
  binId: string;
  months: MembershipCountRow[];
  /** Active members at the end of the last month reported. */
  active: number;
  joined: number;
  resigned: number;
}

/**
 * Per BIN: the year's months in order, and its totals of joined and resigned. Months of other years
 * are left out: the API counts months in Brussels time from UTC bounds, so a calendar year's answer
 * can end with the next January.
 */
export function membershipByBin(rows: MembershipCountRow[], year: number): BinMembership[] {
  const bins = new Map<string, MembershipCountRow[]>();
  for (const row of rows) if (row.month.startsWith(`${year}-`)) bins.set(row.binId, [...(bins.get(row.binId) ?? []), row]);
  return [...bins.entries()].map(([binId, months]) => {
    const sorted = [...months].sort((a, b) => a.month.localeCompare(b.month));
    return {
      binId,
      months: sorted,
      active: sorted[sorted.length - 1]?.active ?? 0,
      joined: sorted.reduce((s, m) => s + m.joined, 0),
      resigned: sorted.reduce((s, m) => s + m.resigned, 0),
    };
  });
}

/** The query string of a year's report for the chosen BINs (none: every BIN of the caller's scope). */
export function reportQuery(year: number, bins: string[]): string {
  const query = new URLSearchParams({ from: `${year}-01-01`, to: `${year + 1}-01-01` });
  if (bins.length > 0) query.set('bins', bins.join(','));
  return query.toString();
}

/** A rounded-up scale maximum (1, 2, 5 × 10ⁿ), so a chart's axis reads in plain numbers. */
export function niceMaximum(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((m) => m * power >= value) ?? 10) * power;
}
