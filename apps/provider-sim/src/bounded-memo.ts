/**
 * `of`, remembering its answer per key: for the few keys a run repeats (a call's From, a
 * StatusCallback's connection overrides). At most `kept` answers are remembered; when full they
 * are all forgotten at once, so that keys that do not repeat cannot make it grow.
 */
export function boundedMemo<K, V>(of: (key: K) => V, kept = 64): (key: K) => V {
  const answers = new Map<K, V>();
  return (key) => {
    if (answers.has(key)) return answers.get(key) as V;
    const answer = of(key);
    if (answers.size >= kept) answers.clear();
    answers.set(key, answer);
    return answer;
  };
}
