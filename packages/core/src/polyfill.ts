/**
 * Installs `Promise.withResolvers` where the runtime lacks it (Node 20).
 *
 * libp2p's dependencies call `Promise.withResolvers` (ES2024), which Node 20
 * does not have, so every entry point of this project (the library, the CLI,
 * the tests) imports this module before anything else. It changes nothing on
 * runtimes that already provide the method.
 *
 * @packageDocumentation
 */

const promise: { withResolvers?: unknown } = Promise

if (typeof promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T> (this: PromiseConstructor): PromiseWithResolvers<T> {
      let resolve!: (value: T | PromiseLike<T>) => void
      let reject!: (reason?: unknown) => void
      const created = new this<T>((res, rej) => {
        resolve = res
        reject = rej
      })
      return { promise: created, resolve, reject }
    }
  })
}

export {}
