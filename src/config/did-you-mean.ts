/** The known name closest to a mistyped one, for "did you mean" in messages; undefined when none is close. */
export function closestName(typed: string, known: readonly string[]): string | undefined {
  // TESSERA_LISTEN or database-url in a file mean the same as listen and database_url.
  const wanted = typed
    .toLowerCase()
    .replace(/-/g, '_')
    .replace(/^tessera_/, '');
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(wanted, name);
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  // Close enough to be a slip of the fingers, not merely another short word.
  return best !== undefined && best.distance <= Math.max(1, Math.floor(best.name.length / 3)) ? best.name : undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions of one character. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
