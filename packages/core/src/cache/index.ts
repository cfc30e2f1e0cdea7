export type { CachedResource } from './cached-resource.js'
export {
  CACHE_FILE_VERSION,
  DEFAULT_CACHE_FILE_NAME,
  DEFAULT_CACHE_MAX_ENTRIES_PER_KIND,
  FileResourceCache,
  FileResourceCacheInit
} from './file-resource-cache.js'
export { ResourceCache } from './resource-cache.js'
