/**
 * Discoverable and trusted server nodes, without a hard-coded server list.
 *
 * Core holds the model and the pipeline every application runs:
 * **discover** candidate servers of a kind ({@link Discoverer}), **verify**
 * that a trusted party vouches for each ({@link Verifier}), and **select** one
 * ({@link Selector}), behind the {@link ResourceClient} facade. Server kinds
 * come from plugins, inversify `ContainerModule`s that contribute a
 * {@link ResourceKind}; core never imports a plugin.
 *
 * This entry runs anywhere: Node.js, browsers and React Native (no `node:`
 * import, no `Buffer`, Web Crypto randomness). What needs the file system
 * (`FileResourceCache`, `FileRegistrySnapshotStore`, `writeFileAtomic`) is in
 * `@resource-discovery/core/node`.
 *
 * @example
 * ```ts
 * import { createResourceContainer, ResourceClient } from '@resource-discovery/core'
 * import { mailserver } from '@resource-discovery/plugin-mailserver'
 *
 * const container = createResourceContainer({
 *   plugins: [mailserver()],
 *   userServers: [{ kind: 'mailserver', address: 'enr:-IS4QHCYrYZbAKW...' }]
 * })
 * const client = container.get<ResourceClient>(ResourceClient)
 * await client.start()
 * const { selected, verified } = await client.find('mailserver')
 * console.log(`${verified.length} trusted; using ${selected.resource.multiaddrs[0]}`)
 * await client.stop()
 * ```
 *
 * @packageDocumentation
 */
import './polyfill.js'

export * from './cache/index.js'
export * from './client/index.js'
export * from './container/index.js'
export * from './discovery/index.js'
export * from './errors.js'
export * from './events/index.js'
export * from './identity/index.js'
export * from './logging/index.js'
export * from './registry-verification/index.js'
export * from './resource/index.js'
export * from './rpc/index.js'
export * from './selection/index.js'
export * from './verification/index.js'
export { combineSignals, delay, raceAbort, throwIfAborted, toAbortError, type AbortOptions } from './util/abort.js'
export { mergeAsyncIterables, type MergeOptions, type NamedSource } from './util/merge-async-iterables.js'
export { LifecycleGuard } from './util/lifecycle-guard.js'
export { LruMap } from './util/lru-map.js'
export { checkTokenBucketsInit, TokenBuckets, type TokenBucketsInit } from './util/token-buckets.js'
export { isStartable, startAll, startTogether, stopAll, type Startable } from './util/startable.js'
