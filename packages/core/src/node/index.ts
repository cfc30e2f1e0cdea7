/**
 * The Node.js-only parts of core: what needs the file system. The main entry
 * (`@resource-discovery/core`) runs anywhere (Node, browsers, React Native);
 * this one adds file-backed stores for a Node process.
 *
 * @example
 * ```ts
 * import { createResourceContainer, ResourceClient } from '@resource-discovery/core'
 * import { FileRegistrySnapshotStore, fileResourceCacheModule } from '@resource-discovery/core/node'
 *
 * const container = createResourceContainer({
 *   plugins: [mailserver()],
 *   registry: { rpcUrl, registryAddress, snapshotStore: new FileRegistrySnapshotStore({ path: '/var/lib/my-app/registry-index.json' }) },
 *   modules: [fileResourceCacheModule({ dir: '/var/cache/my-app' })]
 * })
 * const client = container.get<ResourceClient>(ResourceClient)
 * ```
 *
 * @packageDocumentation
 */
import '../polyfill.js'

export { FileRegistrySnapshotStore, type FileRegistrySnapshotStoreInit } from './file-registry-snapshot-store.js'
export {
  CACHE_FILE_VERSION,
  DEFAULT_CACHE_FILE_NAME,
  DEFAULT_CACHE_MAX_ENTRIES_PER_KIND,
  FileResourceCache,
  FileResourceCacheInit
} from './file-resource-cache.js'
export { fileResourceCacheModule } from './file-resource-cache-module.js'
export { atomicTemporaryPrefix, writeFileAtomic } from './write-file-atomic.js'
