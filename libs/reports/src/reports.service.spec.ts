import type { Principal } from '@bin-alert/domain';
import type { ReferenceDataRepository, ReportRepository } from '@bin-alert/persistence';
import { ReportsService } from './reports.service';

const BINS = [
  { id: 'herdersem', policeZone: 'aalst' },
  { id: 'moorsel', policeZone: 'aalst' },
  { id: 'gent-zuid', policeZone: 'gent' },
];
const board: Principal = { accountId: 'b', role: 'board', binIds: ['herdersem'] };
const police: Principal = { accountId: 'p', role: 'operator', policeZone: 'aalst', binIds: [] };
const period = { binIds: null, from: new Date('2026-01-01'), to: new Date('2027-01-01') };

function service() {
  const asked: string[][] = [];
  const references = { listBins: async () => BINS };
  const reports = {
    messagesSent: async (bins: string[]) => {
      asked.push(bins);
      return [];
    },
    alertBins: async (id: string) => (id === 'a-moorsel' ? ['moorsel'] : id === 'a-both' ? ['herdersem', 'moorsel'] : null),
    alertReach: async (_id: string, bins: string[]) => {
      asked.push(bins);
      return [];
    },
  };
  return { asked, reports: new ReportsService(references as unknown as ReferenceDataRepository, reports as unknown as ReportRepository) };
}

describe('reports: the reader sees their BINs only', () => {
  it('covers every BIN in scope when none are named', async () => {
    const { reports, asked } = service();
    expect((await reports.messagesSent(police, period)).bins).toEqual(['herdersem', 'moorsel']);
    expect((await reports.messagesSent(board, period)).bins).toEqual(['herdersem']);
    expect(asked).toEqual([['herdersem', 'moorsel'], ['herdersem']]);
  });

  it('refuses an unknown BIN with the field, and another BIN with its name', async () => {
    const { reports } = service();
    await expect(reports.messagesSent(board, { ...period, binIds: ['atlantis'] })).rejects.toMatchObject({
      code: 'input.invalid',
      problems: [{ field: 'bins', reason: "unknown BIN 'atlantis'" }],
    });
    await expect(reports.messagesSent(board, { ...period, binIds: ['moorsel'] })).rejects.toMatchObject({ code: 'bin.outside_scope', message: 'not your BIN: moorsel' });
  });

  it("counts an alert's reach among the reader's BINs it targeted", async () => {
    const { reports } = service();
    expect((await reports.alertReach(board, 'a-both')).bins).toEqual(['herdersem']);
    await expect(reports.alertReach(board, 'a-moorsel')).rejects.toMatchObject({ code: 'alert.outside_scope' });
    await expect(reports.alertReach(board, 'a-unknown')).rejects.toMatchObject({ code: 'alert.not_found' });
  });
});
