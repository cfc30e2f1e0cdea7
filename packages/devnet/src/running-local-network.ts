/**
 * The running network's admin object: the {@link LocalNetwork} that
 * {@link startLocalNetwork} returns, with the client settings, the registry
 * helpers (`suspendProvider`...), `addServer`/`stopServer` and `stop()`.
 */

import { InvalidConfigurationError, type AbortOptions, type Logger, type RegistryVerifierInit } from '@resource-discovery/core'
import type { DevChain } from '@resource-discovery/devchain'
import type { Discv5DiscovererInit, Discv5Node } from '@resource-discovery/discv5'
import type { RegistryTransaction, ResourceRegistryClient } from '@resource-discovery/registry-admin'
import type { ResourceServerDiscv5Init } from '@resource-discovery/server'
import type { JsonRpcProvider } from 'ethers'
import { nodeQueue, type AccountQueues } from './account-queues.js'
import { checkLocalServerInit } from './check-local-network-init.js'
import { LocalNetworkStoppedError, UnknownLabelError } from './errors.js'
import type { LocalAccount, LocalNetwork, LocalProvider, LocalServer } from './local-network.js'
import type { LocalServerInit } from './local-network-init.js'
import { throwIfStopFailed, type LocalNetworkResources } from './local-network-resources.js'
import { LOCAL_HOST, LOCAL_PASS_TIMEOUT_MS, LOCAL_REGISTRY_POLL_INTERVAL_MS } from './local-settings.js'
import { localServerKey, registerLocalServer, startLocalServer, type RunningLocalServer } from './start-local-server.js'
import { StartAttempt } from './start-attempt.js'

/** What the start-up made of the network: the chain side's parts and the discv5 side's. */
export type StartedLocalNetwork = Pick<LocalNetwork, 'chain' | 'ethers' | 'registry' | 'curator' | 'providers' | 'bootnode' | 'dataDir'> & {
  /** The servers, in the order given. */
  readonly servers: readonly RunningLocalServer[]
}

/** What the running network works with besides what it made. */
export interface RunningLocalNetworkServices {
  /** Owns every running part; only it stops them. */
  readonly resources: LocalNetworkResources
  /** The queues the start-up used: a transaction still queued there goes before the helpers' own. */
  readonly queues: AccountQueues
  /** discv5 settings of the bootnode and the servers. */
  readonly discv5: ResourceServerDiscv5Init
  readonly logger: Logger
}

/**
 * A started local network. It is handed the owner of every running part and
 * is the only one to release it: `stopServer` stops one server, `stop()`
 * everything. Its registry helpers send each account's transactions one at
 * a time, through the queues of the start-up.
 */
export class RunningLocalNetwork implements LocalNetwork {
  readonly #started: StartedLocalNetwork
  readonly #bootnodeEnr: string
  readonly #servers: RunningLocalServer[]
  readonly #resources: LocalNetworkResources
  readonly #queues: AccountQueues
  readonly #discv5: ResourceServerDiscv5Init
  readonly #logger: Logger
  /** Labels of the servers `addServer` is starting. */
  readonly #adding = new Set<string>()
  #stopping: Promise<void> | undefined

  /** Takes over `started` and `services.resources`: from here on, `stop()` releases them. */
  constructor (started: StartedLocalNetwork, services: RunningLocalNetworkServices) {
    this.#started = started
    this.#bootnodeEnr = started.bootnode.enr
    this.#servers = [...started.servers]
    this.#resources = services.resources
    this.#queues = services.queues
    this.#discv5 = services.discv5
    this.#logger = services.logger
  }

  /** anvil's JSON-RPC endpoint. */
  get rpcUrl (): string { return this.chain.rpcUrl }
  /** The chain id anvil reports. */
  get chainId (): number { return this.chain.chainId }
  /** The dev chain. */
  get chain (): DevChain { return this.#started.chain }
  /** The network's ethers provider. */
  get ethers (): JsonRpcProvider { return this.#started.ethers }
  /** The ResourceRegistry contract's address. */
  get registryAddress (): string { return this.registry.address }
  /** The registry, acting as the curator. */
  get registry (): ResourceRegistryClient { return this.#started.registry }
  /** The curator's account. */
  get curator (): LocalAccount { return this.#started.curator }
  /** The providers by label. */
  get providers (): ReadonlyMap<string, LocalProvider> { return this.#started.providers }
  /** The discv5 bootnode. */
  get bootnode (): Discv5Node { return this.#started.bootnode }
  /** The bootnode's ENR as it was when the network was up. */
  get bootnodeEnr (): string { return this.#bootnodeEnr }
  /** The network's temporary directory. */
  get dataDir (): string { return this.#started.dataDir }

  /** The running servers (a copy). */
  get servers (): readonly LocalServer[] {
    return [...this.#servers]
  }

  /** Whether `stop()` was called. */
  get stopped (): boolean {
    return this.#stopping !== undefined
  }

  /** The provider labelled `label`. @throws {@link UnknownLabelError} */
  provider (label: string): LocalProvider {
    const provider = this.providers.get(label)
    if (provider === undefined) {
      throw new UnknownLabelError('provider', label, [...this.providers.keys()])
    }
    return provider
  }

  /** The running server labelled `label`. @throws {@link UnknownLabelError} */
  server (label: string): RunningLocalServer {
    const server = this.#servers.find((candidate) => candidate.label === label)
    if (server === undefined) {
      throw new UnknownLabelError('server', label, this.#servers.map((candidate) => candidate.label))
    }
    return server
  }

  /** {@inheritDoc LocalNetwork.discv5ClientSettings} */
  discv5ClientSettings (overrides: Discv5DiscovererInit = {}): Discv5DiscovererInit {
    // a client is no registrar: leave the discoverer's own default (none) in place
    const { registrar: _registrar, ...settings } = this.#discv5
    return { ...settings, bindHost: LOCAL_HOST, bootnodes: [this.bootnodeEnr], passTimeoutMs: LOCAL_PASS_TIMEOUT_MS, ...overrides }
  }

  /** {@inheritDoc LocalNetwork.registryVerifierInit} */
  registryVerifierInit (trusted?: string | readonly string[], overrides: RegistryVerifierInit = {}): RegistryVerifierInit {
    const labels = trusted === undefined ? [...this.providers.keys()].slice(0, 1) : typeof trusted === 'string' ? [trusted] : [...trusted]
    const [first, ...rest] = labels.map((label) => this.provider(label).address)
    if (first === undefined) {
      throw new InvalidConfigurationError('trusted', trusted === undefined ? 'the network has no provider to trust' : 'expected at least one provider label')
    }
    return {
      rpcUrl: this.rpcUrl,
      registryAddress: this.registryAddress,
      defaultProvider: first,
      ...(rest.length === 0 ? {} : { trustedProviders: [first, ...rest] }),
      pollIntervalMs: LOCAL_REGISTRY_POLL_INTERVAL_MS,
      ...overrides
    }
  }

  /** {@inheritDoc LocalNetwork.registerResource} */
  async registerResource (serverLabel: string, providerLabel: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    this.#checkRunning('registerResource')
    const server = this.server(serverLabel)
    return registerLocalServer(server, this.provider(providerLabel), this.#queues, options)
  }

  /** {@inheritDoc LocalNetwork.removeResource} */
  async removeResource (serverLabel: string, providerLabel: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    this.#checkRunning('removeResource')
    const server = this.server(serverLabel)
    const provider = this.provider(providerLabel)
    return this.#queues.run(provider.address, async () => provider.registry.removeResource(server.kind.kindId, `0x${server.nodeId}`, options))
  }

  /** {@inheritDoc LocalNetwork.withdrawResource} */
  async withdrawResource (serverLabel: string, providerLabel: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    this.#checkRunning('withdrawResource')
    const server = this.server(serverLabel)
    const provider = this.provider(providerLabel)
    // The node signs; the curator's account relays (any account may).
    return this.#queues.run(nodeQueue(server.privateKey), async () => {
      const withdrawal = await this.registry.createNodeWithdrawal(server.privateKey, { kindId: server.kind.kindId, provider: provider.address }, options)
      return this.#queues.run(this.curator.address, async () => this.registry.withdrawResource(withdrawal, options))
    })
  }

  /** {@inheritDoc LocalNetwork.approveProvider} */
  async approveProvider (label: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#asCurator('approveProvider', label, async (address) => this.registry.approveProvider(address, options))
  }

  /** {@inheritDoc LocalNetwork.suspendProvider} */
  async suspendProvider (label: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#asCurator('suspendProvider', label, async (address) => this.registry.suspendProvider(address, options))
  }

  /** {@inheritDoc LocalNetwork.reinstateProvider} */
  async reinstateProvider (label: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#asCurator('reinstateProvider', label, async (address) => this.registry.reinstateProvider(address, options))
  }

  /** {@inheritDoc LocalNetwork.removeProvider} */
  async removeProvider (label: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#asCurator('removeProvider', label, async (address) => this.registry.removeProvider(address, options))
  }

  /** {@inheritDoc LocalNetwork.addServer} */
  async addServer (init: LocalServerInit, options: AbortOptions = {}): Promise<LocalServer> {
    this.#checkRunning('addServer')
    checkLocalServerInit(init, 'server', new Map([...this.providers].map(([label, provider]) => [label, { status: provider.initialStatus }])))
    if (this.#resources.holdsServer(init.label) || this.#adding.has(init.label)) {
      throw new InvalidConfigurationError('server.label', `the label "${init.label}" is in use`)
    }
    // taken at once, so that a concurrent addServer of the same label is refused, not started beside this one
    this.#adding.add(init.label)
    const attempt = new StartAttempt(options.signal)
    try {
      const key = localServerKey(init, 'server.privateKey')
      const context = { dataRoot: this.dataDir, bootnodeEnr: this.bootnodeEnr, discv5: this.#discv5, logger: this.#logger, resources: this.#resources }
      const server = await attempt.part(`server ${init.label}`, async () => startLocalServer(init, key, context, attempt.signal))
      if (init.registeredBy !== undefined) {
        const provider = this.provider(init.registeredBy)
        await attempt.part(`registration of ${init.label} by ${provider.label}`, async () => registerLocalServer(server, provider, this.#queues, { signal: attempt.signal }))
      }
      this.#servers.push(server)
      return server
    } catch (err) {
      // nothing of a server that did not start is left running; its stop's failures are not the caller's concern
      await this.#resources.stopServer(init.label)
      throw attempt.error(err)
    } finally {
      this.#adding.delete(init.label)
      attempt.dispose()
    }
  }

  /** {@inheritDoc LocalNetwork.stopServer} */
  async stopServer (label: string): Promise<void> {
    const server = this.server(label)
    this.#servers.splice(this.#servers.indexOf(server), 1)
    throwIfStopFailed(await this.#resources.stopServer(label), `Server ${label} did not stop cleanly`)
  }

  /** {@inheritDoc LocalNetwork.stop} */
  async stop (): Promise<void> {
    this.#stopping ??= (async () => {
      this.#servers.length = 0
      throwIfStopFailed(await this.#resources.release(), 'The local network did not stop cleanly')
    })()
    await this.#stopping
  }

  #checkRunning (operation: string): void {
    if (this.stopped) {
      throw new LocalNetworkStoppedError(operation)
    }
  }

  async #asCurator (operation: string, label: string, task: (address: string) => Promise<RegistryTransaction>): Promise<RegistryTransaction> {
    this.#checkRunning(operation)
    const { address } = this.provider(label)
    return this.#queues.run(this.curator.address, async () => task(address))
  }
}
