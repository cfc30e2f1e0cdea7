import type { NodeRecord } from './node-record.js'

/**
 * A class of server (mail server, push-notification server, ...), contributed
 * by a plugin: how it is advertised on discv5, how it is registered in the
 * registry contract, which libp2p protocols it speaks, and how to reach it.
 *
 * Build one with {@link defineResourceKind}; never type the `kindId` by hand.
 */
export interface ResourceKind {
  /** Short unique name, e.g. `mailserver`: 1-32 of a-z, 0-9, `-`, starting with a letter. */
  readonly name: string
  /** The discv5 topic servers of this kind advertise under, e.g. `/resource-discovery/mailserver/1`. */
  readonly topic: string
  /** The registry contract's kind id: keccak256 of the UTF-8 name, as 0x-prefixed bytes32 hex. */
  readonly kindId: string
  /** libp2p protocol ids servers of this kind serve. */
  readonly protocols: readonly string[]
  /** One line for people: what this kind of server does. */
  readonly description: string
  /**
   * The libp2p multiaddrs at which the node of `record` serves this kind,
   * each ending in `/p2p/<peerId>`. Empty if the record gives no way in.
   */
  addresses: (record: NodeRecord) => string[]
  /**
   * Whether the node of `record` says, in its signed record, that it serves
   * this kind. Every source of node records (the discv5 walk, DNS node
   * lists, ENRs in configuration) asks it, so that a kind recognises its
   * own servers: by default the framework's capability field (`rd`, see
   * `recordServesKind`), while a plugin for servers of another network
   * reads that network's own field (Waku's `waku2`, say).
   *
   * It reads only the record, which is signature-checked already, and
   * must neither throw nor wait.
   */
  serves: (record: NodeRecord) => boolean
  /**
   * The record keys {@link serves} reads, when it reads only those: a record
   * that has none of them is not a server of the kind, so a source that
   * meets many records (a discv5 walk) skips it before checking its
   * signature. Absent: every record is checked and asked.
   */
  readonly servesKeys?: readonly string[]
}

/** DI token under which a plugin contributes each of its {@link ResourceKind}s (multi-bound). */
export const ResourceKindContribution = Symbol.for('resource-discovery/ResourceKindContribution')
