export { MAX_ENVELOPE_BYTES, MIN_ENVELOPE_BYTES, openRequest, openResponse, sealRequest, sealResponse, type OpenedRequest, type SealedRequest, type SealRequestInit } from './encrypted-request.js'
export { ResponseKey } from './response-key.js'
