export type { DnsTxtResolver, ResolveTxtOptions } from './dns-txt-resolver.js'
export { DEFAULT_DOH_TIMEOUT_MS, dohResolver, parseTxtData, type DohResolverInit } from './doh-resolver.js'
export { zoneResolver, type TxtZone } from './zone-resolver.js'
