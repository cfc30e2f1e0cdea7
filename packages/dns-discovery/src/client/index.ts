export {
  DEFAULT_LOOKUP_CONCURRENCY, DEFAULT_MAX_DEPTH, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_LINK_DEPTH, DEFAULT_TREE_TIMEOUT_MS, MAX_CACHED_TREES,
  DnsTreeClient, type DnsTreeClientInit, type DnsTreeFailure, type DnsTreeLimits, type DnsTreeResult
} from './dns-tree-client.js'
