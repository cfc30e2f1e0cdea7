import { ResourceDiscoveryError, type ResourceDiscoveryErrorOptions } from '@resource-discovery/core'

/**
 * Errors thrown by `@resource-discovery/discv5`.
 *
 * One class per condition, each a {@link ResourceDiscoveryError} with a
 * stable `name`: branch on `err.name` or `instanceof`, never on the message.
 */

/** A topic-protocol (TALKREQ `topdisc/1`) payload does not follow the wire format. */
export class MalformedTopicMessageError extends ResourceDiscoveryError {
  static override readonly name = 'MalformedTopicMessageError'
  static override readonly retryable = false
  override readonly name = 'MalformedTopicMessageError'

  constructor (problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Malformed topic message: ${problem}`, 'The peer does not speak topdisc/1 as described in docs/topic-protocol.md; it is ignored', options)
  }
}

/** Why a topic request to one node failed. */
export type TopicRequestFailure = 'timeout' | 'unsupported' | 'error-response' | 'malformed-response' | 'transport'

/** A REGTOPIC or TOPICQUERY sent to one node got no usable answer. */
export class TopicRequestFailedError extends ResourceDiscoveryError {
  static override readonly name = 'TopicRequestFailedError'
  static override readonly retryable = false
  override readonly name = 'TopicRequestFailedError'

  /** The node asked, as a 64-character hex node id. */
  readonly nodeId: string
  /** What went wrong: no answer in time, the node does not speak the protocol, it answered with an error, ... */
  readonly reason: TopicRequestFailure

  constructor (nodeId: string, reason: TopicRequestFailure, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`Topic request to node ${nodeId.slice(0, 16)}... failed (${reason}): ${problem}`, 'Other registrars are asked instead; if every one fails, check the bootnodes and that the network is reachable', {
      ...options,
      details: { nodeId, reason, ...options.details }
    })
    this.nodeId = nodeId
    this.reason = reason
  }
}

/** The discv5 node could not start (the UDP port is taken, the address cannot be bound, ...). */
export class Discv5StartError extends ResourceDiscoveryError {
  static override readonly name = 'Discv5StartError'
  static override readonly retryable = false
  override readonly name = 'Discv5StartError'

  constructor (address: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(`The discv5 node could not start on ${address}: ${problem}`, 'Choose another UDP port (or 0 for a free one) or bind address', {
      ...options,
      details: { address, ...options.details }
    })
  }
}
