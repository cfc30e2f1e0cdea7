/**
 * `map` over `items` with at most `concurrency` calls running at once; the
 * results come in the order of `items`. Items are taken in order as calls
 * finish. The first rejection rejects the whole (calls already running
 * finish on their own).
 */
export async function mapBounded<T, R> (items: readonly T[], concurrency: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) {
      results[index] = await map(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
  return results
}
