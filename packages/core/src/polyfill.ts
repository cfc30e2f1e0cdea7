/**
 * Installs `Promise.withResolvers` where the runtime lacks it.
 *
 * Core (`ResourceWatch`) and libp2p's dependencies call
 * `Promise.withResolvers` (ES2024). Two supported runtimes lack it:
 *
 * - Node.js 20.19+, which the packages without libp2p (core, discv5,
 *   libp2p-peer-discovery...) and this repository's commands accept
 *   (`engines`); the suite runs on a machine's Node.js 20 through
 *   `test/setup/polyfills.ts`;
 * - React Native's Hermes before Hermes V1 (React Native 0.86), where the
 *   client entry points run.
 *
 * So core's entry points import this module first, as do the entries of the
 * packages a client may load without core's main entry first. Node.js 22.12+
 * (what the libp2p packages, server, devnet and the CLI require) and browsers
 * since 2024 (Chrome 119, Firefox 121, Safari 17.4) have the method; there,
 * this module changes nothing.
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
