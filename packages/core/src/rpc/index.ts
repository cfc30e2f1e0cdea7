export { DEFAULT_REQUEST_TIMEOUT_MS, jsonRpcRequest, parseQuantity, type JsonRpcRequestOptions } from './json-rpc-request.js'
