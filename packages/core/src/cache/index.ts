export type { CachedResource } from './cached-resource.js'
export { ResourceCache } from './resource-cache.js'
