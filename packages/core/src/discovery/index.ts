export { Discoverer, DiscovererContribution, type DiscoverOptions } from './discoverer.js'
export { MergedDiscoverer } from './merged-discoverer.js'
export { StaticDiscoverer, StaticDiscovererInit, type StaticServer } from './static-discoverer.js'
