const WINDOW_MS = 1000;

/** Requests admitted in the last second, to hold an API to N requests per second (sliding window). */
export class RequestRateWindow {
  private admitted: number[] = [];

  /** Admits the request when fewer than `limit` were admitted in the last second. */
  tryAdmit(limit: number, now: number): boolean {
    this.forgetBefore(now - WINDOW_MS);
    if (this.admitted.length >= limit) return false;
    this.admitted.push(now);
    return true;
  }

  remaining(limit: number, now: number): number {
    this.forgetBefore(now - WINDOW_MS);
    return Math.max(0, Math.floor(limit) - this.admitted.length);
  }

  /** When the oldest admitted request leaves the window (ms epoch), i.e. when room frees up. */
  resetsAt(now: number): number {
    return (this.admitted[0] ?? now) + WINDOW_MS;
  }

  private forgetBefore(cutoff: number): void {
    let expired = 0;
    while (expired < this.admitted.length && this.admitted[expired] <= cutoff) expired += 1;
    if (expired > 0) this.admitted = this.admitted.slice(expired);
  }
}
