import { isCallException, isError, type ErrorDescription, type Interface } from 'ethers'
import {
  RegistryError,
  RegistryNotDeployedError,
  RegistryRevertError,
  RpcUnavailableError
} from './errors.js'
import { namedArgs } from './named-args.js'
import { toAbortError } from '@resource-discovery/core'

/** Error codes (Node.js socket errors, undici and ethers codes) that mean the endpoint is out of reach. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'EPIPE',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'TIMEOUT', 'SERVER_ERROR', 'NETWORK_ERROR'
])

/** Where a failing call was made, to word the error. */
export interface RegistryErrorContext {
  /** The contract function (or `'deploy'`). */
  method: string
  /** The registry address. */
  address: string
  /** The JSON-RPC endpoint, if known. */
  rpcUrl?: string
  /** The caller's signal: if it aborted, the failure is reported as an AbortError. */
  signal?: AbortSignal
}

/**
 * Turns what ethers (or Node.js) threw into this package's typed errors:
 * a revert becomes {@link RegistryRevertError} naming the decoded custom
 * error, an unreachable endpoint {@link RpcUnavailableError}, an empty answer
 * from a view {@link RegistryNotDeployedError}. Anything else is returned as is.
 */
export function toRegistryError (err: unknown, iface: Interface, context: RegistryErrorContext): unknown {
  if (err instanceof RegistryError) {
    return err
  }
  if (context.signal?.aborted === true) {
    return toAbortError(context.signal)
  }
  if (isCallException(err)) {
    const data = err.data ?? findRevertData(err)
    return revertError(iface, context.method, data, err)
  }
  if (isError(err, 'BAD_DATA') && err.value === '0x') {
    return new RegistryNotDeployedError(context.address, { cause: err })
  }
  const code = findUnreachableCode(err)
  if (code !== undefined) {
    return new RpcUnavailableError(context.rpcUrl, `${context.method} failed with ${code}`, { cause: err })
  }
  return err
}

function revertError (iface: Interface, method: string, data: string | undefined, cause: unknown): RegistryRevertError {
  if (data === undefined || data === '0x') {
    return new RegistryRevertError(method, 'unknown', {}, '0x', { cause })
  }
  let decoded: ErrorDescription | null
  try {
    decoded = iface.parseError(data)
  } catch {
    decoded = null
  }
  if (decoded === null) {
    return new RegistryRevertError(method, 'unknown', {}, data, { cause })
  }
  return new RegistryRevertError(method, decoded.name, namedArgs(decoded.fragment.inputs, decoded.args), data, { cause })
}

/** Revert data some nodes nest inside the JSON-RPC error (`info.error.data`). */
function findRevertData (err: unknown): string | undefined {
  let current: unknown = err
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const data: unknown = (current as { data?: unknown }).data
    if (typeof data === 'string' && data.startsWith('0x') && data.length > 2) {
      return data
    }
    const next = current as { info?: { error?: unknown }, error?: unknown }
    current = next.info?.error ?? next.error
  }
  return undefined
}

function findUnreachableCode (err: unknown): string | undefined {
  let current: unknown = err
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code: unknown = (current as { code?: unknown }).code
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) {
      return code
    }
    const next = current as { cause?: unknown, error?: unknown }
    current = next.cause ?? next.error
  }
  return undefined
}
