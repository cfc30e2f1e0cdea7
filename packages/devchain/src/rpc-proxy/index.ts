export { RPC_PROXY_LIMIT_ERROR_CODE, type RpcProxyRefusal } from './log-limits.js'
export type { RpcProxyLie } from './liar.js'
export { RPC_PROXY_ERROR_CODE, startRpcProxy, type RpcProxy, type RpcProxyFault, type RpcProxyFaultOptions, type RpcProxyInit } from './rpc-proxy.js'
