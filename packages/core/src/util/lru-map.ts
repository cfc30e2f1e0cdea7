/**
 * A `Map` of at most `maxSize` entries that forgets the least recently set
 * first. `set` moves its key to the end of the map's order (a `Map` keeps
 * insertion order, so its first key is the one set longest ago) and, when the
 * map then holds more than `maxSize` entries, drops the first one.
 *
 * Only `set` counts as a use: `get`, `has` and iteration leave the order
 * alone, so the owner decides what a use is (a token bucket's `take`, a
 * resolved tree) and may read without refreshing. Everything else is a plain
 * `Map`: `delete`, `clear` and deleting while iterating work as usual.
 *
 * @example
 * ```ts
 * const seen = new LruMap<string, number>(2)
 * seen.set('a', 1).set('b', 2).set('a', 3) // order: b, a
 * seen.set('c', 4) // 'b' is forgotten: order a, c
 * ```
 */
export class LruMap<K, V> extends Map<K, V> {
  /** The most entries the map holds. */
  readonly maxSize: number
  /**
   * Where the oldest entry is: one live iterator over the keys, kept from one
   * eviction to the next. Every entry it has passed was evicted or deleted,
   * and a key set again goes to the end, so the next key it yields is always
   * the oldest. A fresh `keys()` each time would walk the holes the earlier
   * evictions left at the front of V8's table: ten times slower once a flood
   * keeps the map full.
   */
  #oldest: MapIterator<K> | undefined

  /**
   * @param maxSize - the most entries held; `Infinity` for no bound, 0 holds nothing
   * @throws RangeError if `maxSize` is negative or not a number
   */
  constructor (maxSize: number) {
    super()
    if (!(maxSize >= 0)) {
      throw new RangeError(`maxSize must be a number not below 0, got ${maxSize}`)
    }
    this.maxSize = maxSize
  }

  /** Sets `key` as the most recently used entry, forgetting the least recently used one past `maxSize`. */
  override set (key: K, value: V): this {
    super.delete(key)
    super.set(key, value)
    if (this.size > this.maxSize) {
      let oldest = this.#oldest?.next()
      if (oldest === undefined || oldest.done === true) {
        this.#oldest = super.keys()
        oldest = this.#oldest.next()
      }
      super.delete(oldest.value as K)
    }
    return this
  }

  /** Removes every entry. */
  override clear (): void {
    super.clear()
    this.#oldest = undefined
  }
}
