export { BODY_LIMIT_BYTES, createHttpServer, KEEP_ALIVE_TIMEOUT_MS, type HttpServerComponents } from './create-http-server.js'
export { ERROR_STATUS, errorBody, validationMessage, withStatus } from './error-body.js'
export * from './schemas.js'
export * from './views.js'
