export { DaemonApi, REQUEST_TIMEOUT_MS, type AddedCustomServer, type RequestOptions } from './daemon-api.js'
export { ApiError, DaemonUnreachableError, errorMessage } from './errors.js'
export * from './views.js'
