/** A clock a test moves by hand: quiet hours and link expiry without waiting real hours. */
export class TestClock {
  private offsetMs = 0;
  private fixed: Date | null = null;

  readonly now = (): Date => (this.fixed ? new Date(this.fixed.getTime() + this.offsetMs) : new Date(Date.now() + this.offsetMs));

  /** From now on the clock reads `at` (and moves only when advanced). */
  set(at: Date): void {
    this.fixed = at;
    this.offsetMs = 0;
  }

  /** Back to real time. */
  reset(): void {
    this.fixed = null;
    this.offsetMs = 0;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
