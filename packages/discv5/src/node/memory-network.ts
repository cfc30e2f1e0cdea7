import { EventEmitter } from 'node:events'
import { getSocketAddressOnENR, type ITransportService } from '@chainsafe/discv5'
import { decodePacket, encodePacket, type IPacket } from '@chainsafe/discv5/packet'
import { multiaddr, type Multiaddr } from 'multiaddr12'

/**
 * An in-memory stand-in for UDP, for simulations of hundreds or thousands of
 * discv5 nodes in one process (benchmarks) where real sockets would cost too
 * much. Packets are encoded and decoded exactly as on the wire and delivered
 * on a later turn of the event loop; a packet to an address nobody is bound to
 * is dropped, as UDP would.
 *
 * Addresses are only labels here (no traffic leaves the process), but keep
 * them in 127.0.0.0/8 anyway.
 *
 * @example
 * ```ts
 * const network = new MemoryNetwork()
 * const node = new Discv5Node({ memoryNetwork: network, bindHost: '127.0.3.7', udpPort: 9000 })
 * ```
 */
export class MemoryNetwork {
  readonly #bound = new Map<string, MemoryTransport>()
  #packets = 0
  #bytes = 0

  /** Packets sent through the network so far. */
  get packetsSent (): number {
    return this.#packets
  }

  /** Bytes sent through the network so far. */
  get bytesSent (): number {
    return this.#bytes
  }

  /** @internal a transport for one node, bound when it starts */
  createTransport (host: string, port: number, nodeId: string): ITransportService {
    return new MemoryTransport(this, host, port, nodeId)
  }

  /** @internal */
  bind (key: string, transport: MemoryTransport): void {
    if (this.#bound.has(key)) {
      throw new Error(`address ${key} is already bound`)
    }
    this.#bound.set(key, transport)
  }

  /** @internal */
  unbind (key: string, transport: MemoryTransport): void {
    if (this.#bound.get(key) === transport) {
      this.#bound.delete(key)
    }
  }

  /** @internal */
  deliver (from: Multiaddr, toKey: string, data: Uint8Array): void {
    this.#packets++
    this.#bytes += data.length
    setImmediate(() => {
      this.#bound.get(toKey)?.receive(from, data)
    })
  }
}

class MemoryTransport extends EventEmitter {
  readonly bindAddrs: Multiaddr[]
  readonly ipMode = { ip4: true, ip6: false } as const
  readonly #network: MemoryNetwork
  readonly #key: string
  readonly #nodeId: string

  constructor (network: MemoryNetwork, host: string, port: number, nodeId: string) {
    super()
    this.#network = network
    this.#key = `${host}:${port}`
    this.#nodeId = nodeId
    this.bindAddrs = [multiaddr(`/ip4/${host}/udp/${port}`)]
  }

  async start (): Promise<void> {
    this.#network.bind(this.#key, this)
  }

  async stop (): Promise<void> {
    this.#network.unbind(this.#key, this)
  }

  async send (to: Multiaddr, toId: string, packet: IPacket): Promise<void> {
    const options = to.toOptions()
    const [self] = this.bindAddrs
    if (self !== undefined) {
      this.#network.deliver(self, `${options.host}:${options.port}`, encodePacket(toId, packet))
    }
  }

  getContactableAddr (enr: Parameters<typeof getSocketAddressOnENR>[0]): ReturnType<typeof getSocketAddressOnENR> {
    return getSocketAddressOnENR(enr, this.ipMode)
  }

  receive (from: Multiaddr, data: Uint8Array): void {
    let packet: IPacket
    try {
      packet = decodePacket(this.#nodeId, data)
    } catch (err) {
      this.emit('decodeError', err, from)
      return
    }
    this.emit('packet', from, packet)
  }
}
