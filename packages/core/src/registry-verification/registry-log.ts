import { Interface, type LogDescription } from 'ethers/abi'
import { getAddress } from 'ethers/address'
import { RpcUnavailableError } from '../errors.js'
import { parseQuantity } from '../rpc/json-rpc-request.js'
import { resourceRegistryAbi } from './generated/resource-registry-abi.js'
import { PROVIDER_STATUSES } from './provider-status.js'
import type { RegistryEvent } from './registry-event.js'

const registryInterface = new Interface(resourceRegistryAbi)
const EVENT_NAMES = ['ProviderStatusChanged', 'ResourceAdded', 'ResourceRemoved'] as const

/** The `topics` filter of `eth_getLogs` that matches the events the index is built from. */
export const REGISTRY_EVENT_TOPICS: readonly string[] = EVENT_NAMES.map((name) => {
  const topic = registryInterface.getEvent(name)?.topicHash
  if (topic === undefined) {
    throw new Error(`the registry ABI has no ${name} event`)
  }
  return topic
})

/** A log as `eth_getLogs` returns it, as far as the index reads it. */
export interface RegistryRawLog {
  readonly topics: readonly string[]
  readonly data: string
  readonly blockNumber: string
  readonly logIndex: string
  readonly removed?: boolean
}

/**
 * The registry event a log records, in the index's terms.
 *
 * @param endpoint - names the source in errors
 * @throws {@link RpcUnavailableError} if the log is not one of the registry's events, or carries an unknown status
 */
export function decodeRegistryLog (log: RegistryRawLog, endpoint: string): RegistryEvent {
  let parsed: LogDescription | null
  try {
    parsed = registryInterface.parseLog({ topics: [...log.topics], data: log.data })
  } catch (err) {
    throw new RpcUnavailableError(endpoint, 'eth_getLogs returned a log the registry ABI cannot decode', { cause: err })
  }
  const position = {
    blockNumber: parseQuantity(log.blockNumber, endpoint, 'eth_getLogs'),
    logIndex: parseQuantity(log.logIndex, endpoint, 'eth_getLogs')
  }
  const args = parsed?.args
  switch (parsed?.name) {
    case 'ProviderStatusChanged': {
      const status = PROVIDER_STATUSES[Number(args?.getValue('newStatus') as bigint)]
      if (status === undefined) {
        throw new RpcUnavailableError(endpoint, 'a ProviderStatusChanged event carries an unknown status; this client may be older than the contract')
      }
      return { type: 'provider-status', provider: getAddress(args?.getValue('provider') as string), status, ...position }
    }
    case 'ResourceAdded':
    case 'ResourceRemoved':
      return {
        type: parsed.name === 'ResourceAdded' ? 'resource-added' : 'resource-removed',
        kindId: (args?.getValue('kindId') as string).toLowerCase(),
        nodeId: (args?.getValue('nodeId') as string).slice(2).toLowerCase(),
        provider: getAddress(args?.getValue('provider') as string),
        ...position
      }
    default:
      throw new RpcUnavailableError(endpoint, `eth_getLogs returned an unexpected event ${parsed?.name ?? '(unknown)'}`)
  }
}

/** The events of `logs` (removed ones left out), in chain order. */
export function decodeRegistryLogs (logs: readonly RegistryRawLog[], endpoint: string): RegistryEvent[] {
  return logs
    .filter((log) => log.removed !== true)
    .map((log) => decodeRegistryLog(log, endpoint))
    .sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex)
}

/** A key that tells events apart (its position and content). */
export function registryEventKey (event: RegistryEvent): string {
  return event.type === 'provider-status'
    ? `${event.blockNumber}/${event.logIndex}/${event.type}/${event.provider}/${event.status}`
    : `${event.blockNumber}/${event.logIndex}/${event.type}/${event.kindId}/${event.nodeId}/${event.provider}`
}
