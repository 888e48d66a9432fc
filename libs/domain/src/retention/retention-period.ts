const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How long rows naming a member (deliveries, member notices, STOP history, audit entries) keep
 * them: a year plus a month, so that who got which of last year's alerts can still be traced
 * (a complaint, an inquiry) until a month into the new year. The reports' counts outlive the
 * period either way (ADR 0030).
 */
export const DEFAULT_RETENTION_DAYS = 400;

/**
 * Below this a delivery could lose its member while its alert is still being tracked (voice
 * redials, late provider callbacks, deferred sends all end within days).
 */
export const MIN_RETENTION_DAYS = 30;

/** Rows written before this instant are past the retention period at `now`. */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  if (!Number.isInteger(retentionDays) || retentionDays < MIN_RETENTION_DAYS) {
    throw new RangeError(`a retention period must be a whole number of days, at least ${MIN_RETENTION_DAYS} (was ${retentionDays})`);
  }
  return new Date(now.getTime() - retentionDays * DAY_MS);
}
