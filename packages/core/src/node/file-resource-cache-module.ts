import { ContainerModule } from 'inversify'
import { ResourceCache } from '../cache/resource-cache.js'
import { FileResourceCache, FileResourceCacheInit } from './file-resource-cache.js'

/**
 * Keeps verified servers between runs in a JSON file in `init.dir` (a
 * {@link FileResourceCache} bound as the {@link ResourceCache}): a client that
 * starts again tries them first, verified again. Load it in
 * `createResourceContainer({ modules: [...] })`.
 *
 * @example
 * ```ts
 * import { createResourceContainer } from '@resource-discovery/core'
 * import { fileResourceCacheModule } from '@resource-discovery/core/node'
 *
 * const container = createResourceContainer({
 *   plugins: [mailserver()],
 *   modules: [fileResourceCacheModule({ dir: '/var/cache/my-app' })]
 * })
 * ```
 */
export function fileResourceCacheModule (init: FileResourceCacheInit): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(FileResourceCacheInit).toConstantValue(init)
    bind(FileResourceCache).toSelf().inSingletonScope()
    bind(ResourceCache).toService(FileResourceCache)
  })
}
