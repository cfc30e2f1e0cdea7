/** The Levenshtein distance between `a` and `b`: insertions, deletions and substitutions. */
export function editDistance (a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/**
 * The flags of `known` nearest to the unknown `flag`, for a "did you mean"
 * hint: those at the least edit distance, if it is at most a third of the
 * longer name (a typo: `--tpc-port`), else those whose name holds the
 * unknown one's or is held by it (a missing qualifier: `--port` for
 * `--http-port`). None if nothing is close.
 *
 * @param flag - the unknown flag as typed, e.g. `--port`
 * @param known - the flags the command takes, e.g. `--http-port`
 */
export function nearestFlags (flag: string, known: readonly string[]): string[] {
  const name = bare(flag)
  if (name === '') {
    return []
  }
  const scored = known.map((candidate) => ({ candidate, name: bare(candidate), distance: editDistance(name, bare(candidate)) }))
  const least = Math.min(...scored.map(({ distance }) => distance))
  const typos = scored.filter((entry) => entry.distance === least && entry.distance <= Math.max(name.length, entry.name.length) / 3)
  if (typos.length > 0) {
    return typos.map(({ candidate }) => candidate)
  }
  const typed = name.split('-')
  // every word typed is a word of the flag (`--port` in `--http-port`), or the other way round (`--http-port-number`)
  const related = scored.filter((entry) => {
    const theirs = entry.name.split('-')
    return typed.every((word) => theirs.includes(word)) || theirs.every((word) => typed.includes(word))
  })
  return related.sort((a, b) => a.distance - b.distance).map(({ candidate }) => candidate)
}

/** The flag's name without its dashes, in lower case. */
function bare (flag: string): string {
  return flag.replace(/^-+/, '').toLowerCase()
}
