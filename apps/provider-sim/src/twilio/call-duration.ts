import { SaidText } from '../inbox/sim-message';

/** Text-to-speech reads about two and a half words a second. */
const WORDS_PER_SECOND = 2.5;

/**
 * The CallDuration a completed call reports: the time to speak its `<Say>`s, plus the wait at a
 * `<Gather>` (a couple of seconds when a key is pressed, its timeout when none is). Simulated
 * time: the callbacks themselves come after callbackDelayMs, not after this many seconds.
 */
export function estimatedCallSeconds(said: SaidText[], gather: { timeoutSeconds: number; pressed: boolean } | undefined): number {
  return callSecondsOfWords(spokenWords(said), gather);
}

/** The words the `<Say>`s speak: all a pending call keeps of them for its CallDuration (ADR 0068). */
export function spokenWords(said: SaidText[]): number {
  return said.reduce((count, { text }) => count + text.split(/\s+/).filter(Boolean).length, 0);
}

/** estimatedCallSeconds from the number of words spoken. */
export function callSecondsOfWords(words: number, gather: { timeoutSeconds: number; pressed: boolean } | undefined): number {
  const waiting = gather === undefined ? 0 : gather.pressed ? 2 : gather.timeoutSeconds;
  return Math.max(1, Math.ceil(words / WORDS_PER_SECOND) + waiting);
}
