import { SimConfig } from '../config/sim-config';
import { Prng } from '../random/prng';
import { magicCall } from './magic-numbers';

export type CallTerminalStatus = 'completed' | 'busy' | 'no-answer' | 'failed';

/** What happens to a queued call, decided when it is created. */
export interface CallFate {
  outcome: CallTerminalStatus;
  /** Who answers a completed call. */
  answeredBy?: 'human' | 'machine';
  /** A human presses 1 at a `<Gather>`. */
  acknowledges: boolean;
}

/**
 * Draws in a fixed order (outcome, then acknowledgement) whatever the outcome. `earlierCalls` is
 * how many calls this number received before (some magic numbers answer only when called again).
 */
export function decideCallFate(to: string, rates: SimConfig['voice'], prng: Prng, earlierCalls = 0): CallFate {
  const drawn = prng.choose([
    ['no-answer', rates.noAnswerRate],
    ['busy', rates.busyRate],
    ['failed', rates.failedRate],
    ['machine', rates.machineRate],
  ] as const);
  const acknowledges = prng.chance(rates.acknowledgeRate);

  const magic = magicCall(to);
  if (magic) {
    if ('firstCallOnly' in magic && earlierCalls > 0) return { outcome: 'completed', answeredBy: 'human', acknowledges: true };
    if (magic.outcome !== 'completed') return { outcome: magic.outcome, acknowledges: false };
    return magic.answeredBy === 'machine'
      ? { outcome: 'completed', answeredBy: 'machine', acknowledges: false }
      : { outcome: 'completed', answeredBy: 'human', acknowledges: magic.acknowledges };
  }
  if (drawn === 'machine') return { outcome: 'completed', answeredBy: 'machine', acknowledges: false };
  if (drawn !== undefined) return { outcome: drawn, acknowledges: false };
  return { outcome: 'completed', answeredBy: 'human', acknowledges };
}
