import { holdUnsentDelivery, leaseCallWindowMs, providerCallTimeoutMs } from './send-hold';

describe('holdUnsentDelivery', () => {
  const rule = { retryAfterMs: 30_000, maxHoldWithoutExpiryMs: 3_600_000 };
  const plannedAt = new Date('2026-12-06T06:00:00Z');

  it('holds a delivery of an alert that has not expired, to be tried again after retryAfterMs', () => {
    const now = new Date('2026-12-06T06:10:00Z');
    expect(holdUnsentDelivery({ now, expiresAt: new Date('2026-12-06T07:00:00Z'), plannedAt }, rule)).toEqual({ hold: true, retryAt: new Date('2026-12-06T06:10:30Z') });
  });

  it('does not hold once the alert has expired', () => {
    const now = new Date('2026-12-06T07:00:00Z');
    expect(holdUnsentDelivery({ now, expiresAt: new Date('2026-12-06T07:00:00Z'), plannedAt }, rule)).toEqual({ hold: false });
  });

  it('holds an alert without an expiry until maxHoldWithoutExpiryMs after planning', () => {
    expect(holdUnsentDelivery({ now: new Date('2026-12-06T06:59:59Z'), expiresAt: null, plannedAt }, rule).hold).toBe(true);
    expect(holdUnsentDelivery({ now: new Date('2026-12-06T07:00:00Z'), expiresAt: null, plannedAt }, rule).hold).toBe(false);
  });
});

describe('leaseCallWindowMs', () => {
  it('lets calls start in the first half of a renewed lease only', () => {
    expect(leaseCallWindowMs(20_000)).toBe(10_000);
    expect(leaseCallWindowMs(120_000)).toBe(60_000);
  });
});

describe('providerCallTimeoutMs', () => {
  it('gives up a call before the lease it started under ends, waiting 5 s at least and 30 s at most', () => {
    expect(providerCallTimeoutMs(20_000)).toBe(9_000);
    expect(providerCallTimeoutMs(120_000)).toBe(30_000);
    expect(providerCallTimeoutMs(5_000)).toBe(5_000);
    for (const lease of [12_000, 20_000, 61_000]) expect(leaseCallWindowMs(lease) + providerCallTimeoutMs(lease)).toBeLessThan(lease);
  });
});
