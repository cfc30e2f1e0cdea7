import { id as keccak256Utf8 } from 'ethers/hash'
import { InvalidResourceKindError } from '../errors.js'
import { CAPABILITY_ENR_KEY, recordServesKind } from './capability-field.js'
import type { NodeRecord } from './node-record.js'
import type { ResourceKind } from './resource-kind.js'

/** What a plugin says about its kind; the rest is derived. */
export interface ResourceKindInit {
  /** Short unique name: 1-32 of a-z, 0-9, `-`, starting with a letter. */
  name: string
  /** discv5 topic; defaults to `/resource-discovery/<name>/1`. */
  topic?: string
  /** libp2p protocol ids the servers speak. */
  protocols?: readonly string[]
  /** One line for people. */
  description?: string
  /** How to read connection multiaddrs out of a node record; defaults to {@link tcpAddresses}. */
  addresses?: (record: NodeRecord) => string[]
  /**
   * Whether a node record says it serves the kind; defaults to the
   * framework's capability field ({@link recordServesKind}): a record that
   * lists the kind's id in its `rd` field.
   */
  serves?: (record: NodeRecord) => boolean
  /**
   * The record keys `serves` reads, if it reads only those (see
   * {@link ResourceKind.servesKeys}); `['rd']` for the default `serves`.
   */
  servesKeys?: readonly string[]
}

const KIND_NAME = /^[a-z][a-z0-9-]{0,31}$/

/**
 * The registry contract's id of a kind: keccak256 of its UTF-8 name, as
 * 0x-prefixed bytes32 hex. The contract and every client compute it the same
 * way, so it is never typed by hand.
 */
export function resourceKindId (name: string): string {
  return keccak256Utf8(name)
}

/**
 * The libp2p TCP multiaddrs of a record: `/ip4/<ip>/tcp/<tcp>/p2p/<peerId>`
 * and its IPv6 twin, for the ports the record carries.
 */
export function tcpAddresses (record: NodeRecord): string[] {
  const addresses: string[] = []
  if (record.ip !== undefined && record.tcp !== undefined) {
    addresses.push(`/ip4/${record.ip}/tcp/${record.tcp}/p2p/${record.peerId}`)
  }
  if (record.ip6 !== undefined && record.tcp6 !== undefined) {
    addresses.push(`/ip6/${record.ip6}/tcp/${record.tcp6}/p2p/${record.peerId}`)
  }
  return addresses
}

/**
 * Builds a {@link ResourceKind} from what a plugin knows, computing its
 * contract kind id and filling defaults.
 *
 * @example
 * ```ts
 * export const bridgeKind = defineResourceKind({
 *   name: 'bridge',
 *   protocols: ['/acme/bridge/1.0.0'],
 *   description: 'Relays messages to another network'
 * })
 * bridgeKind.kindId // keccak256('bridge')
 * ```
 *
 * @throws {@link InvalidResourceKindError} if the name, topic or a protocol id is malformed
 */
export function defineResourceKind (init: ResourceKindInit): ResourceKind {
  const { name } = init
  if (!KIND_NAME.test(name)) {
    throw new InvalidResourceKindError(name, 'the name is not 1-32 of a-z, 0-9, "-" starting with a letter')
  }
  const topic = init.topic ?? `/resource-discovery/${name}/1`
  if (topic.length === 0 || topic.length > 128) {
    throw new InvalidResourceKindError(name, 'the topic must be 1 to 128 characters')
  }
  const protocols = [...(init.protocols ?? [])]
  for (const protocol of protocols) {
    if (!protocol.startsWith('/') || /\s/.test(protocol)) {
      throw new InvalidResourceKindError(name, `the protocol id "${protocol}" must start with "/" and contain no spaces`)
    }
  }
  const kindId = resourceKindId(name)
  return Object.freeze({
    name,
    topic,
    kindId,
    protocols: Object.freeze(protocols),
    description: init.description ?? name,
    addresses: init.addresses ?? tcpAddresses,
    ...servesOf(init, kindId)
  })
}

function servesOf (init: ResourceKindInit, kindId: string): Pick<ResourceKind, 'serves' | 'servesKeys'> {
  if (init.serves === undefined) {
    return { serves: (record) => recordServesKind(record, { kindId }), servesKeys: Object.freeze([CAPABILITY_ENR_KEY]) }
  }
  return {
    serves: init.serves,
    ...(init.servesKeys === undefined ? {} : { servesKeys: Object.freeze([...init.servesKeys]) })
  }
}
