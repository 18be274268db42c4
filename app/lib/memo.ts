/**
 * A function of one word with its answers kept: document building and matching call the same
 * few thousand Vietnamese syllables and English words hundreds of thousands of times (a
 * reindex of 100,000 listings). At most `max` distinct arguments are kept; past that the
 * memory is forgotten at once and refilled, so text with endless distinct words cannot grow it.
 */
export function perWord<T>(fn: (word: string) => T, max = 50_000): (word: string) => T {
  const known = new Map<string, T>();
  return (word) => {
    const kept = known.get(word);
    if (kept !== undefined || known.has(word)) return kept as T;
    if (known.size >= max) known.clear();
    const value = fn(word);
    known.set(word, value);
    return value;
  };
}
