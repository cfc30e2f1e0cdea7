/** A queue an async producer pushes into and one consumer pulls from, until it is closed. */
export class AsyncChannel<T> {
  readonly #items: T[] = []
  #waiting: ((result: IteratorResult<T>) => void) | undefined
  #closed = false

  push (item: T): void {
    if (this.#closed) {
      return
    }
    const waiting = this.#waiting
    if (waiting !== undefined) {
      this.#waiting = undefined
      waiting({ done: false, value: item })
    } else {
      this.#items.push(item)
    }
  }

  close (): void {
    this.#closed = true
    const waiting = this.#waiting
    this.#waiting = undefined
    waiting?.({ done: true, value: undefined })
  }

  async next (): Promise<IteratorResult<T>> {
    if (this.#items.length > 0) {
      return { done: false, value: this.#items.shift() as T }
    }
    if (this.#closed) {
      return { done: true, value: undefined }
    }
    return new Promise((resolve) => { this.#waiting = resolve })
  }
}
