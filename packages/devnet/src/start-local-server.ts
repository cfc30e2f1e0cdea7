/**
 * The life of one server of a local network: its key, its start (a
 * `ResourceServer` running a plugin's service in a data directory of its
 * own, held by the network's {@link LocalNetworkResources} from the moment
 * it exists, which is what stops it), and its registration by a provider.
 */

import { randomBytes } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import {
  parseNodePrivateKey,
  throwIfAborted,
  type AbortOptions,
  type Logger,
  type NodePrivateKey,
  type Resource,
  type ResourceKind,
  type Startable
} from '@resource-discovery/core'
import type { RegistryTransaction } from '@resource-discovery/registry-admin'
import { ResourceServer, type ResourceServerDiscv5Init, type ResourceServicePlugin } from '@resource-discovery/server'
import { nodeQueue, type AccountQueues } from './account-queues.js'
import type { LocalProvider, LocalServer } from './local-network.js'
import type { LocalServerInit } from './local-network-init.js'
import type { LocalNetworkResources } from './local-network-resources.js'
import { LOCAL_HOST } from './local-settings.js'
import type { ProgressReporter } from './progress-reporter.js'

/**
 * The node key of a server: the one its init gives, or a fresh random one.
 *
 * @param option - where the key stands in the caller's options, e.g. `servers[0].privateKey`
 * @throws InvalidConfigurationError (core) naming `option` for a malformed key
 */
export function localServerKey (init: LocalServerInit, option: string): NodePrivateKey {
  return parseNodePrivateKey(init.privateKey ?? Uint8Array.from(randomBytes(32)), option)
}

/** What starting one server needs of the network. */
export interface LocalServerContext {
  /** The network's temporary directory: the server's data directory is `<dataRoot>/<label>`. */
  readonly dataRoot: string
  readonly bootnodeEnr: string
  readonly discv5: ResourceServerDiscv5Init
  /** The network's logger: the server's is its child `{ server: label }`. */
  readonly logger: Logger
  /** Holds the server and its service as soon as each exists, and stops them. */
  readonly resources: LocalNetworkResources
  /** Where `server:started` goes; none: not reported. */
  readonly progress?: ProgressReporter
}

/**
 * Starts one server: makes its data directory, builds its
 * `ResourceServer` and the plugin's service, starts the service and then the
 * server, and reports `server:started`. The server and the service are held
 * by `context.resources` from the moment each exists, so whatever happens
 * (a failure, `signal` aborting), the network's owner stops them: this
 * function never does.
 */
export async function startLocalServer (init: LocalServerInit, key: NodePrivateKey, context: LocalServerContext, signal: AbortSignal | undefined): Promise<RunningLocalServer> {
  const startedAt = performance.now()
  const dataDir = join(context.dataRoot, init.label)
  // a label started again (after stopServer) finds its data where it left it
  await mkdir(dataDir, { recursive: true })
  throwIfAborted(signal)
  const logger = context.logger.child({ server: init.label })
  const server = new ResourceServer({
    ...init.server,
    privateKey: key.privateKey,
    host: LOCAL_HOST,
    kinds: [init.plugin.kind],
    bootnodes: [context.bootnodeEnr],
    discv5: context.discv5,
    logger
  })
  const owned = context.resources.holdServer(init.label, server)
  const service = await init.plugin.createService({ server, privateKey: key.privateKey, dataDir, logger, options: init.options ?? {} })
  owned.service = service
  throwIfAborted(signal)
  await service.start()
  throwIfAborted(signal)
  await server.start()
  context.progress?.report({ type: 'server:started', label: init.label, kind: init.plugin.kind.name, nodeId: server.nodeId, multiaddrs: server.multiaddrs }, startedAt)
  return new RunningLocalServer(init, server, service, key.privateKey, dataDir)
}

/**
 * `provider` registers the node of `privateKey` as `kind`, with the node's
 * consent. The node's queue spans reading its nonce to mining the
 * transaction, so two registrations of one node never sign the same nonce;
 * it is always taken before an account's queue, so the queues cannot deadlock.
 */
export async function registerLocalServer (
  node: { readonly privateKey: Uint8Array, readonly kind: ResourceKind },
  provider: LocalProvider,
  queues: AccountQueues,
  options: AbortOptions
): Promise<RegistryTransaction> {
  return queues.run(nodeQueue(node.privateKey), async () => {
    const consent = await provider.registry.createNodeConsent(node.privateKey, { kindId: node.kind.kindId, provider: provider.address }, options)
    return queues.run(provider.address, async () => provider.registry.addResource(consent, options))
  })
}

/** A started server of a local network, as its helpers and the caller see it. */
export class RunningLocalServer implements LocalServer {
  readonly label: string
  readonly kind: ResourceKind
  readonly plugin: ResourceServicePlugin
  readonly registeredBy?: string
  readonly service: Startable
  readonly server: ResourceServer
  readonly privateKey: Uint8Array
  readonly dataDir: string

  /** Made by {@link startLocalServer} once the server runs. */
  constructor (init: LocalServerInit, server: ResourceServer, service: Startable, privateKey: Uint8Array, dataDir: string) {
    this.label = init.label
    this.plugin = init.plugin
    this.kind = init.plugin.kind
    if (init.registeredBy !== undefined) {
      this.registeredBy = init.registeredBy
    }
    this.server = server
    this.service = service
    this.privateKey = privateKey
    this.dataDir = dataDir
  }

  /** The node id, from the running server. */
  get nodeId (): string {
    return this.server.nodeId
  }

  /** The libp2p peer id, from the running server. */
  get peerId (): string {
    return this.server.peerId
  }

  /** The current signed ENR, from the running server. */
  get enr (): string {
    return this.server.enr
  }

  /** Where clients connect, from the running server. */
  get multiaddrs (): readonly string[] {
    return this.server.multiaddrs
  }

  /** The server as a client knows it from its ENR (origin `static`). */
  toResource (): Resource {
    const record = this.server.record
    const now = Date.now()
    return {
      nodeId: record.nodeId,
      publicKey: record.publicKey,
      peerId: record.peerId,
      kind: this.kind.name,
      enr: record.enr,
      seq: record.seq,
      multiaddrs: this.server.multiaddrs,
      origin: 'static',
      firstSeen: now,
      lastSeen: now
    }
  }
}
