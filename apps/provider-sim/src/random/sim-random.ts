import { Injectable } from '@nestjs/common';
import { SimConfigStore } from '../config/sim-config.store';
import { hash32, mulberry32, Prng } from './prng';

/**
 * All of the simulator's chance, derived from the configured seed. Each request gets its own
 * generator, seeded from (seed, stream, n-th request of that stream): the 5th SMS meets the same
 * fate in every run with that seed, however its calls, e-mails and callbacks interleave with it.
 *
 * Identifiers (SIDs, X-Message-Id, sg_event_id) deliberately do not come from here: a rerun with
 * the same seed must not repeat ids that a tracker has already stored and would deduplicate.
 */
@Injectable()
export class SimRandom {
  private readonly sequence = new Map<string, number>();

  constructor(private readonly config: SimConfigStore) {}

  /** A fresh generator for the next request (or decision) of `stream`. */
  next(stream: string): Prng {
    const n = this.sequence.get(stream) ?? 0;
    this.sequence.set(stream, n + 1);
    return mulberry32(hash32(`${this.config.current.seed}/${stream}/${n}`));
  }

  /** Back to the first draw of every stream, as a run with this seed starts. */
  restart(): void {
    this.sequence.clear();
  }
}
