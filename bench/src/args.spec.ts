import { defaultUrgentAfterSms, parseArgs } from './args';

describe('bench arguments', () => {
  it('issues the urgent alert after 1 % of the members in accepted SMS, at least 1,000', () => {
    expect(defaultUrgentAfterSms(5_000)).toBe(1000);
    expect(defaultUrgentAfterSms(100_000)).toBe(1000);
    expect(defaultUrgentAfterSms(1_000_000)).toBe(10_000);
    expect(parseArgs(['--members', '1000000']).urgentAfterSms).toBe(10_000);
    expect(parseArgs([]).urgentAfterSms).toBe(1000);
  });

  it('keeps an explicit --urgent-after-sms', () => {
    expect(parseArgs(['--members', '1000000', '--urgent-after-sms', '20000']).urgentAfterSms).toBe(20_000);
  });
});
