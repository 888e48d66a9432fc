import { leaseCallWindowMs } from '@bin-alert/domain';
import type { DeliveryRepository } from '@bin-alert/persistence';

/** This sender no longer holds the delivery: another took it over, and sends it. */
export class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/** What `sending` resolves to, or null if the delivery was taken over on the way (nothing sent). */
export function unlessTakenOver<T>(sending: Promise<T>): Promise<T | null> {
  return sending.catch((error: unknown) => {
    if (error instanceof LeaseLostError) return null;
    throw error;
  });
}

/**
 * The fence in front of every provider call (ADR 0025): a sender calls the provider only for
 * deliveries it still holds, with the lease renewed in PostgreSQL (its clock) right before, and
 * starts the call within the first half of that lease (leaseCallWindowMs), so the call is over
 * before anyone may take the delivery over. Renewals are batched: one statement per chunk, and
 * another only for a retry that comes after the window. For SMS and calls the claim is the chunk's
 * renewal (claimAdmitting, ADR 0043).
 */
export class LeaseFence {
  /** Per admitted delivery, until when (performance.now()) a call may start under its renewal. */
  private readonly admittedUntil = new Map<string, number>();

  constructor(
    private readonly deliveries: Pick<DeliveryRepository, 'admitToProvider'>,
    private readonly holder: string,
    private readonly leaseMs: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Of `ids`, those the provider may be called for now; the others were taken over. */
  async admit(ids: string[]): Promise<Set<string>> {
    const due = ids.filter((id) => !this.open(id));
    if (due.length > 0) {
      for (const id of due) this.admittedUntil.delete(id);
      await this.renewedBy(async () => (await this.deliveries.admitToProvider(due, this.holder, this.leaseMs)).map((id) => ({ id })));
    }
    return new Set(ids.filter((id) => this.open(id)));
  }

  /**
   * A claim that admits what it claims (DeliveryRepository.claim with `admit`): its statement is
   * the renewal, so calls that follow within the window need no other.
   */
  claimAdmitting<T extends { id: string }>(claim: () => Promise<T[]>): Promise<T[]> {
    return this.renewedBy(claim);
  }

  private async renewedBy<T extends { id: string }>(renewal: () => Promise<T[]>): Promise<T[]> {
    // Measured before the statement: the database's now() is later, so its lease outlasts ours.
    const renewedAt = this.clock();
    const renewed = await renewal();
    for (const { id } of renewed) this.admittedUntil.set(id, renewedAt + leaseCallWindowMs(this.leaseMs));
    return renewed;
  }

  /** Admits one delivery or throws LeaseLostError (inside a sendWithRetry call). */
  async require(id: string): Promise<void> {
    if (!(await this.admit([id])).has(id)) throw new LeaseLostError(`delivery ${id} was taken over by another sender`);
  }

  private open(id: string): boolean {
    return (this.admittedUntil.get(id) ?? -Infinity) > this.clock();
  }
}
