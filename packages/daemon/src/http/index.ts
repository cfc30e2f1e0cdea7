export { BODY_LIMIT_BYTES, createHttpServer, KEEP_ALIVE_TIMEOUT_MS, type HttpServerComponents } from './create-http-server.js'
export { ERROR_STATUS, errorBody, validationField, validationMessage, withField, withStatus } from './error-body.js'
export { addHostGuard, hostHeaderName, HostGuard, isLoopbackName } from './host-guard.js'
export * from './schemas.js'
export * from './views.js'
export {
  addRateLimit,
  DEFAULT_HTTP_BURST,
  DEFAULT_HTTP_RATE_LIMIT_MAX_CLIENTS,
  DEFAULT_HTTP_REQUESTS_PER_SECOND,
  HttpRateLimiter,
  isLoopback,
  type HttpRateLimitInit
} from './rate-limit.js'
