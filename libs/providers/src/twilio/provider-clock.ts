/** Our clock and the provider's may disagree by this much. */
const PROVIDER_CLOCK_SKEW_MS = 5_000;

/** Whether a resource the provider created at `created` may stem from a claim made at `since`. */
export function createdSince(created: Date, since: Date): boolean {
  return created.getTime() >= since.getTime() - PROVIDER_CLOCK_SKEW_MS;
}
