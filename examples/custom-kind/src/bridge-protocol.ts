/**
 * The bridge's relay protocol, both sides: the handler a bridge server runs
 * and the connector a client gets a {@link BridgeClient} from. One request,
 * one answer: the client sends the message to relay, the bridge acknowledges
 * it with `relayed:` followed by the message's bytes.
 */
import type { AbortOptions, ResourceConnector, TrustedVerdict } from '@resource-discovery/core'
import type { ClientHost, ResourceConnection, ResourceStreamHandler } from '@resource-discovery/client-host'
import { BRIDGE_RELAY_PROTOCOL, bridgeKind } from './bridge-plugin.js'

/** What a bridge puts before each message it acknowledges. */
export const RELAY_ACK_PREFIX = new TextEncoder().encode('relayed:')

/**
 * The server side of {@link BRIDGE_RELAY_PROTOCOL}: reads one message and
 * answers `relayed:<message>`. A real bridge would forward the message to
 * its other network first.
 *
 * @example
 * ```ts
 * await server.handle(BRIDGE_RELAY_PROTOCOL, relayHandler())
 * ```
 */
export function relayHandler (): ResourceStreamHandler {
  return async (stream) => {
    const message = await stream.read()
    const ack = new Uint8Array(RELAY_ACK_PREFIX.length + message.length)
    ack.set(RELAY_ACK_PREFIX)
    ack.set(message, RELAY_ACK_PREFIX.length)
    await stream.write(ack)
  }
}

/** A client of one bridge, over a connection whose handshake proved the bridge's key. */
export class BridgeClient {
  readonly #connection: ResourceConnection

  constructor (connection: ResourceConnection) {
    this.#connection = connection
  }

  /** The bridge's discv5 node id, as proven by the connection's handshake. */
  get nodeId (): string | undefined {
    return this.#connection.remoteNodeId
  }

  /**
   * Hands `message` to the bridge to relay and returns its acknowledgement.
   *
   * @throws the errors of `ResourceConnection.request` (`RequestTimeoutError`, `ProtocolNotSupportedError`...)
   */
  async relay (message: Uint8Array, options: AbortOptions = {}): Promise<Uint8Array> {
    return this.#connection.request(BRIDGE_RELAY_PROTOCOL, message, options)
  }
}

/**
 * Connects to verified bridges through `host`, which dials the verified
 * peer id, so an impostor is refused before any message is sent.
 *
 * @example
 * ```ts
 * const { client: bridge } = await resourceClient.connect('bridge', bridgeConnector(host))
 * const ack = await bridge.relay(new TextEncoder().encode('hello'))
 * ```
 */
export function bridgeConnector (host: ClientHost): ResourceConnector<BridgeClient> {
  return {
    kind: bridgeKind.name,
    async connect (verdict: TrustedVerdict, options: AbortOptions = {}): Promise<BridgeClient> {
      return new BridgeClient(await host.connect(verdict.resource, options))
    }
  }
}
