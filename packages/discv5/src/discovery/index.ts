export { DEFAULT_PASS_TIMEOUT_MS, DEFAULT_RANDOM_WALK_LOOKUPS, DEFAULT_TOPIC_HEAD_START_MS, Discv5Discoverer, Discv5DiscovererInit } from './discv5-discoverer.js'
