import { DEFAULT_RETENTION_DAYS, MIN_RETENTION_DAYS, retentionCutoff } from './retention-period';

describe('retentionCutoff', () => {
  it('lies the period before now, counted in whole days of elapsed time', () => {
    expect(retentionCutoff(new Date('2026-12-06T08:00:00Z'), 400)).toEqual(new Date('2025-11-01T08:00:00Z'));
  });

  it('keeps the default period longer than a year, so last year’s report is still whole in January', () => {
    const startOfLastYear = new Date('2025-01-01T00:00:00+01:00');
    expect(retentionCutoff(new Date('2026-01-31T23:00:00Z'), DEFAULT_RETENTION_DAYS).getTime()).toBeLessThan(startOfLastYear.getTime());
  });

  it('refuses a period shorter than the tracking of an alert, or not in whole days', () => {
    expect(() => retentionCutoff(new Date(), MIN_RETENTION_DAYS - 1)).toThrow(RangeError);
    expect(() => retentionCutoff(new Date(), 400.5)).toThrow(RangeError);
    expect(() => retentionCutoff(new Date(), MIN_RETENTION_DAYS)).not.toThrow();
  });
});
