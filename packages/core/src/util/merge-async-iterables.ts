import { raceAbort } from './abort.js'

/** A named async iterable, so a failure can say which source failed. */
export interface NamedSource<T> {
  readonly name: string
  readonly iterable: AsyncIterable<T>
}

/** Options of {@link mergeAsyncIterables}. */
export interface MergeOptions {
  /** Stops the merge promptly even if a source ignores its own signal. */
  signal?: AbortSignal
  /** Called when a source throws; the merge goes on with the others. */
  onSourceError?: (name: string, error: unknown) => void
}

/**
 * Yields the values of all `sources` as they arrive, interleaved, until
 * every source is done. A source that throws is dropped (and reported through
 * `onSourceError`); the others go on. When the consumer stops early, or the
 * signal aborts, every source's iterator is closed.
 */
export async function * mergeAsyncIterables<T> (sources: ReadonlyArray<NamedSource<T>>, options: MergeOptions = {}): AsyncGenerator<T> {
  const iterators = sources.map((source) => ({ name: source.name, iterator: source.iterable[Symbol.asyncIterator]() }))
  const finished = new Set<number>()
  const pending = new Map<number, Promise<{ index: number, result?: IteratorResult<T>, error?: unknown }>>()
  const pull = (index: number): void => {
    const entry = iterators[index]
    if (entry === undefined) {
      return
    }
    pending.set(index, entry.iterator.next().then(
      (result) => ({ index, result }),
      (error: unknown) => ({ index, error })
    ))
  }
  iterators.forEach((_entry, index) => { pull(index) })
  try {
    while (pending.size > 0) {
      const settled = await raceAbort(Promise.race(pending.values()), options.signal)
      pending.delete(settled.index)
      if (settled.error !== undefined || settled.result === undefined) {
        finished.add(settled.index)
        options.onSourceError?.(iterators[settled.index]?.name ?? String(settled.index), settled.error)
        continue
      }
      if (settled.result.done === true) {
        finished.add(settled.index)
        continue
      }
      yield settled.result.value
      pull(settled.index)
    }
  } finally {
    // close every source still open: the ones with a pull pending and the one whose value was just taken
    await Promise.allSettled(iterators
      .filter((_entry, index) => !finished.has(index))
      .map(async ({ iterator }) => iterator.return?.()))
  }
}
