import { yamux } from '@chainsafe/libp2p-yamux'
import { identify, type Identify } from '@libp2p/identify'
import type { PrivateKey } from '@libp2p/interface'
import { ping, type Ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { createLibp2p, type Libp2p, type Libp2pOptions } from 'libp2p'
import { cleanStop, type CleanStop } from './clean-stop.js'
import { identityCheckingNoise, type IdentityMismatchListener } from './identity-checking-noise.js'

/** Default longest a dial (TCP connect plus noise and yamux handshakes) may take, in milliseconds. */
export const DEFAULT_DIAL_TIMEOUT_MS = 5000

/** @internal the libp2p host of this package and of `@resource-discovery/server`, with its services */
export type ResourceLibp2p = Libp2p<{ identify: Identify, ping: Ping, cleanStop: CleanStop }>

/** @internal what {@link createLibp2pHost} needs */
export interface Libp2pHostInit {
  privateKey: PrivateKey
  /** Multiaddrs to listen on; none for a client. */
  listen?: readonly string[]
  /** Inbound connections accepted per second from one IP address; libp2p's default if absent. */
  inboundConnectionsPerSecond?: number
  dialTimeoutMs?: number
  /** Told about outbound handshakes that proved another key than the dialled peer id. */
  onIdentityMismatch?: IdentityMismatchListener
  /** Transports beside TCP, e.g. a server's WebSocket listener. None for a client. */
  extraTransports?: NonNullable<Libp2pOptions['transports']>
  /** Stream muxers offered after yamux, e.g. mplex for js-waku peers. None for a client. */
  extraStreamMuxers?: NonNullable<Libp2pOptions['streamMuxers']>
}

/**
 * @internal
 * A libp2p 3 host, not started: TCP, noise, yamux, identify and ping, on the
 * given key. The client (`ClientHost`) and `@resource-discovery/server`
 * use the same stack, so either can reach the other; a server may add
 * transports and muxers after them (WebSockets, mplex) for other peers.
 * Its `stop()` leaves no timer or socket behind (see {@link cleanStop}).
 */
export async function createLibp2pHost (init: Libp2pHostInit): Promise<ResourceLibp2p> {
  return createLibp2p({
    start: false,
    privateKey: init.privateKey,
    addresses: { listen: [...(init.listen ?? [])] },
    transports: [tcp(), ...(init.extraTransports ?? [])],
    connectionEncrypters: [identityCheckingNoise(init.onIdentityMismatch ?? (() => {}))],
    streamMuxers: [yamux(), ...(init.extraStreamMuxers ?? [])],
    connectionManager: {
      ...(init.inboundConnectionsPerSecond === undefined ? {} : { inboundConnectionThreshold: init.inboundConnectionsPerSecond }),
      dialTimeout: init.dialTimeoutMs ?? DEFAULT_DIAL_TIMEOUT_MS
    },
    services: {
      identify: identify(),
      // two outbound ping streams per connection: libp2p's connection monitor pings every connection every 10 s and
      // aborts the connection when its stream is refused, which it was whenever it met a ClientHost measurement (one
      // at a time per peer); a listener accepts two inbound ping streams per connection
      ping: ping({ maxOutboundStreams: 2 }),
      cleanStop: cleanStop()
    }
  })
}
