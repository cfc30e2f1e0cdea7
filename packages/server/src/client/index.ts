export { ClientHost, createClientHost, type ClientHostInit, type ResourceAddress } from './client-host.js'
export { DEFAULT_REQUEST_TIMEOUT_MS, ResourceConnection, type RequestOptions } from './resource-connection.js'
