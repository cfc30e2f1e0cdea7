import { defaultLogger } from '@libp2p/logger'
import type { PeerDiscovery, PeerInfo } from '@libp2p/interface'
import {
  AllowListVerifier, createResourceContainer, defineResourceKind, ResourceClient, ResourceKindContribution, StaticDiscoverer,
  type NodeRecord
} from '@resource-discovery/core'
import { ContainerModule } from 'inversify'
import { VerifiedPeerDiscovery, verifiedPeerDiscovery, type VerifiedPeerDiscoveryInit } from '../src/index.js'

export const mail = defineResourceKind({ name: 'mailserver' })
export const push = defineResourceKind({ name: 'push' })

/** Binds the two kinds the tests use. */
export const kindsModule = new ContainerModule(({ bind }) => {
  bind(ResourceKindContribution).toConstantValue(mail)
  bind(ResourceKindContribution).toConstantValue(push)
})

/** A real client with its static discoverer and allow-list, to add and revoke servers while it runs. */
export interface ClientFixture {
  readonly client: ResourceClient
  readonly staticDiscoverer: StaticDiscoverer
  readonly allowList: AllowListVerifier
  /** Adds `record` as a user server (trusted via the allow-list). */
  addUserServer: (kind: string, record: NodeRecord) => void
}

export interface ServerEntry { readonly kind: string, readonly record: NodeRecord }

/** A real ResourceClient with fast passes: `userServers` are trusted, `servers` are not. */
export function createClient (init: { userServers?: readonly ServerEntry[], servers?: readonly ServerEntry[] } = {}): ClientFixture {
  const container = createResourceContainer({
    modules: [kindsModule],
    userServers: (init.userServers ?? []).map(({ kind, record }) => ({ kind, address: record.enr })),
    servers: (init.servers ?? []).map(({ kind, record }) => ({ kind, address: record.enr })),
    client: { rediscoverIntervalMs: 50, reverifyIntervalMs: 50, verifyBatchDelayMs: 5 }
  })
  const staticDiscoverer = container.get(StaticDiscoverer)
  const allowList = container.get(AllowListVerifier)
  return {
    client: container.get(ResourceClient),
    staticDiscoverer,
    allowList,
    addUserServer: (kind, record) => {
      staticDiscoverer.add({ kind, address: record.enr, origin: 'user' })
      allowList.allow(record.nodeId)
    }
  }
}

/** The discovery as libp2p would build it. */
export function createDiscovery (init: VerifiedPeerDiscoveryInit): VerifiedPeerDiscovery {
  const discovery = verifiedPeerDiscovery(init)({ logger: defaultLogger() })
  if (!(discovery instanceof VerifiedPeerDiscovery)) {
    throw new Error('verifiedPeerDiscovery() built something other than a VerifiedPeerDiscovery')
  }
  return discovery
}

/** Records every `peer` event of `discovery`. */
export function recordPeers (discovery: PeerDiscovery): PeerInfo[] {
  const peers: PeerInfo[] = []
  discovery.addEventListener('peer', (event) => { peers.push(event.detail) })
  return peers
}

