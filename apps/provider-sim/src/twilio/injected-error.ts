import { Prng } from '../random/prng';

/**
 * The Twilio error code `errorRates` picks for one request, if any. Codes are taken in numeric
 * order so that a given draw maps to the same code whatever order the config listed them in.
 */
export function injectedErrorCode(errorRates: Record<string, number>, prng: Prng): number | undefined {
  const outcomes = Object.entries(errorRates)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([code, rate]) => [Number(code), rate] as const);
  return prng.choose(outcomes);
}
