import type { MessagesSentRow } from '../../../libs/domain/src/reports/report-rows';
import { membershipByBin, messagesPerMonth, monthsOf, niceMaximum, reportQuery } from './reports';

const row = (binId: string, category: string, month: string, channel: MessagesSentRow['channel'], reached: number): MessagesSentRow => ({
  binId,
  category,
  month,
  channel,
  alerts: 1,
  reached,
});

describe('console reports', () => {
  it('gives every month of the year, empty ones as zero', () => {
    expect(monthsOf(2026)).toEqual(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12']);
    const months = messagesPerMonth([], 2026, { bins: [], categories: [] });
    expect(months).toHaveLength(12);
    expect(months[0]).toEqual({ month: '2026-01', sms: 0, email: 0, voice: 0 });
  });

  it('sums reached messages per month and channel over the chosen BINs and categories', () => {
    const rows = [
      row('herdersem', 'burglary', '2026-03', 'sms', 10),
      row('moorsel', 'burglary', '2026-03', 'sms', 5),
      row('herdersem', 'missing_person', '2026-03', 'email', 7),
      row('herdersem', 'burglary', '2026-11', 'voice', 2),
      row('herdersem', 'burglary', '2025-12', 'sms', 99),
    ];
    const all = messagesPerMonth(rows, 2026, { bins: [], categories: [] });
    expect(all[2]).toEqual({ month: '2026-03', sms: 15, email: 7, voice: 0 });
    expect(all[10]).toEqual({ month: '2026-11', sms: 0, email: 0, voice: 2 });
    expect(messagesPerMonth(rows, 2026, { bins: ['moorsel'], categories: [] })[2]).toEqual({ month: '2026-03', sms: 5, email: 0, voice: 0 });
    expect(messagesPerMonth(rows, 2026, { bins: [], categories: ['missing_person'] })[2]).toEqual({ month: '2026-03', sms: 0, email: 7, voice: 0 });
  });

  it('gives each BIN its months in order, the last month’s active members and the year’s joins and resignations', () => {
    const bins = membershipByBin(
      [
        { binId: 'herdersem', month: '2026-02', active: 12, joined: 3, resigned: 1 },
        { binId: 'herdersem', month: '2026-01', active: 10, joined: 10, resigned: 0 },
        { binId: 'moorsel', month: '2026-01', active: 4, joined: 4, resigned: 0 },
        { binId: 'moorsel', month: '2027-01', active: 9, joined: 5, resigned: 0 },
      ],
      2026,
    );
    expect(bins.map((b) => [b.binId, b.months.map((m) => m.month), b.active, b.joined, b.resigned])).toEqual([
      ['herdersem', ['2026-01', '2026-02'], 12, 13, 1],
      ['moorsel', ['2026-01'], 4, 4, 0],
    ]);
  });

  it('asks for the calendar year, and for the chosen BINs only when some are chosen', () => {
    expect(reportQuery(2026, [])).toBe('from=2026-01-01&to=2027-01-01');
    expect(reportQuery(2026, ['herdersem', 'moorsel'])).toBe('from=2026-01-01&to=2027-01-01&bins=herdersem%2Cmoorsel');
  });
});

describe('console column chart scale', () => {
  it('rounds the maximum up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 7, 12, 180, 501].map(niceMaximum)).toEqual([1, 1, 5, 10, 20, 200, 1000]);
  });
});
