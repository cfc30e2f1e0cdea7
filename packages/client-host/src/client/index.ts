export { ClientHost, createClientHost, DEFAULT_PING_TIMEOUT_MS, DEFAULT_PINGS, type ClientHostInit, type PingOptions, type ResourceAddress } from './client-host.js'
export { PingLatencyProbe } from './ping-latency-probe.js'
export { DEFAULT_REQUEST_TIMEOUT_MS, ResourceConnection, type RequestOptions } from './resource-connection.js'
