/**
 * The start-up of a local network, as a sequence of steps: check the init,
 * then start the chain side (anvil, registry, providers, registrations) and
 * the discv5 side (bootnode, servers) concurrently, every part held by one
 * {@link LocalNetworkResources} from the moment it exists. On success that
 * owner is handed to the {@link RunningLocalNetwork}, which alone stops it;
 * on a failure or an abort, `startLocalNetwork` releases it before it
 * rejects.
 */

import {
  InvalidConfigurationError,
  silentLogger,
  throwIfAborted,
  type AbortOptions,
  type Logger,
  type NodePrivateKey
} from '@resource-discovery/core'
import { startDevChain, type DevChain } from '@resource-discovery/devchain'
import { Discv5Node } from '@resource-discovery/discv5'
import { createRpcProvider, deployResourceRegistry, type ResourceRegistryClient } from '@resource-discovery/registry-admin'
import type { ResourceServerDiscv5Init } from '@resource-discovery/server'
import { Wallet, type JsonRpcProvider } from 'ethers'
import { AccountQueues } from './account-queues.js'
import { checkLocalNetworkInit } from './check-local-network-init.js'
import type { LocalAccount, LocalNetwork, LocalProvider } from './local-network.js'
import { DEFAULT_SPARE_ACCOUNTS, type LocalProviderInit, type LocalServerInit, type StartLocalNetworkInit } from './local-network-init.js'
import { LocalNetworkResources } from './local-network-resources.js'
import { LOCAL_DISCV5, LOCAL_ETHERS_POLLING_INTERVAL_MS, LOCAL_HOST } from './local-settings.js'
import { ProgressReporter } from './progress-reporter.js'
import { RunningLocalNetwork, type StartedLocalNetwork } from './running-local-network.js'
import { allOf, StartAttempt } from './start-attempt.js'
import { localServerKey, registerLocalServer, startLocalServer, type RunningLocalServer } from './start-local-server.js'

/**
 * Starts a whole resource-discovery network on 127.0.0.1: anvil (from
 * `@resource-discovery/devchain`) with a freshly deployed ResourceRegistry
 * whose curator is the chain's first account; the providers, each on its
 * own funded account, approved (`addProvider`), pending (`applyAsProvider`)
 * or suspended as asked; a discv5 bootnode; and the servers, each a
 * {@link ResourceServer} running its plugin's service in a data directory of
 * its own, advertising its kind, and registered in the registry by the
 * provider named in `registeredBy` (with the node's consent).
 *
 * The chain side (anvil, registry, providers, registrations) and the discv5
 * side (bootnode, then every server at once) start concurrently. If any
 * part fails, or `options.signal` aborts, everything started is stopped and
 * the temporary directory removed before the promise rejects.
 *
 * The network knows only {@link ResourceServicePlugin}s: it never imports a
 * plugin package.
 *
 * @example
 * ```ts
 * const network = await startLocalNetwork({
 *   providers: [{ label: 'default' }, { label: 'other' }],
 *   servers: [
 *     { label: 'mail-1', plugin: mailserverServicePlugin, registeredBy: 'default' },
 *     { label: 'mail-2', plugin: mailserverServicePlugin }
 *   ]
 * })
 * try {
 *   const client = createResourceContainer({
 *     plugins: [mailserver()],
 *     registry: network.registryVerifierInit('default'),
 *     modules: [discv5Discovery(network.discv5ClientSettings())]
 *   }).get(ResourceClient)
 *   // ...
 * } finally {
 *   await network.stop()
 * }
 * ```
 *
 * @throws InvalidConfigurationError (core) for a malformed `init` (nothing is started then)
 * @throws {@link LocalNetworkStartError} naming the part that failed, its error as `cause`
 * @throws AbortError (core) if `options.signal` aborts
 */
export async function startLocalNetwork (init: StartLocalNetworkInit = {}, options: AbortOptions = {}): Promise<LocalNetwork> {
  const providers = checkLocalNetworkInit(init)
  // one key per server, made before the chain side registers it and the discv5 side runs it
  const servers = (init.servers ?? []).map((server, index) => ({ init: server, key: localServerKey(server, `servers[${index}].privateKey`) }))
  throwIfAborted(options.signal)
  const start: NetworkStart = {
    init,
    providers,
    servers,
    progress: new ProgressReporter(init.onProgress),
    logger: init.logger ?? silentLogger,
    discv5: init.discv5 ?? LOCAL_DISCV5,
    resources: new LocalNetworkResources(),
    queues: new AccountQueues(),
    attempt: new StartAttempt(options.signal)
  }
  const { attempt, resources, progress } = start
  const startedAt = performance.now()
  try {
    const dataDir = await resources.makeDataDir(init.tmpDir)
    const [chainSide, discv5Side] = await allOf([startChainSide(start), startDiscv5Side(start, dataDir)])
    throwIfAborted(attempt.signal)
    // from here on the network owns the resources: its stop() releases them
    const network = new RunningLocalNetwork({ ...chainSide, ...discv5Side, dataDir }, { resources, queues: start.queues, discv5: start.discv5, logger: start.logger })
    progress.report({ type: 'network:ready', providers: chainSide.providers.size, servers: discv5Side.servers.length }, startedAt)
    return network
  } catch (err) {
    // a failed or aborted start leaves nothing running
    await resources.release()
    throw attempt.error(err)
  } finally {
    attempt.dispose()
  }
}

/** One start under way: what every step reads, and the owner every step hands what it starts to. */
interface NetworkStart {
  readonly init: StartLocalNetworkInit
  /** The providers asked for, by label, checked. */
  readonly providers: ReadonlyMap<string, LocalProviderInit>
  /** The servers asked for, each with its node key. */
  readonly servers: ReadonlyArray<{ readonly init: LocalServerInit, readonly key: NodePrivateKey }>
  readonly progress: ProgressReporter
  readonly logger: Logger
  readonly discv5: ResourceServerDiscv5Init
  /** Holds every part as soon as it exists; only it stops them. */
  readonly resources: LocalNetworkResources
  readonly queues: AccountQueues
  /** Blames the first part that fails and aborts the others. */
  readonly attempt: StartAttempt
}

/** What the chain side makes. */
type ChainSide = Pick<StartedLocalNetwork, 'chain' | 'ethers' | 'curator' | 'registry' | 'providers'>

/** What the discv5 side makes. */
type Discv5Side = Pick<StartedLocalNetwork, 'bootnode' | 'servers'>

/**
 * The chain side, step by step: anvil and an ethers provider on it, the
 * registry deployed by the curator, the providers added (or applied), the
 * servers registered, and last the providers to be suspended suspended
 * (after they registered their servers).
 */
async function startChainSide (start: NetworkStart): Promise<ChainSide> {
  const { attempt, progress, resources } = start
  let stepAt = performance.now()
  const chain = await attempt.part('chain', async () => startDevChain({
    ...start.init.chain,
    accountCount: start.init.chain?.accountCount ?? 1 + start.providers.size + DEFAULT_SPARE_ACCOUNTS,
    signal: attempt.signal
  }))
  resources.holdChain(chain)
  progress.report({ type: 'chain:started', rpcUrl: chain.rpcUrl, chainId: chain.chainId }, stepAt)

  stepAt = performance.now()
  const ethers = await attempt.part('chain', async () => createRpcProvider(chain.rpcUrl, { chainId: chain.chainId, pollingIntervalMs: LOCAL_ETHERS_POLLING_INTERVAL_MS, batch: false, signal: attempt.signal }))
  resources.holdEthers(ethers)
  const curator = accountOf(chain, ethers, 0)
  const { client: registry } = await attempt.part('registry', async () => deployResourceRegistry(curator.wallet, { rpcUrl: chain.rpcUrl, signal: attempt.signal }))
  progress.report({ type: 'registry:deployed', registryAddress: registry.address, curator: curator.address }, stepAt)

  const providers = new Map([...start.providers.values()].map((init, index): [string, LocalProvider] => {
    const account = accountOf(chain, ethers, 1 + index)
    return [init.label, {
      ...account,
      label: init.label,
      name: init.name ?? init.label,
      metadataUri: init.metadataUri ?? `https://${init.label}.provider.example/provider.json`,
      initialStatus: init.status ?? 'approved',
      registry: registry.connect(account.wallet)
    }]
  }))
  await addProviders(start, curator, registry, [...providers.values()])
  await registerServers(start, providers)
  await suspendProviders(start, curator, registry, [...providers.values()].filter((provider) => provider.initialStatus === 'suspended'))
  return { chain, ethers, curator, registry, providers }
}

/** Dev-chain account `index`, with a wallet on `ethers`. */
function accountOf (chain: DevChain, ethers: JsonRpcProvider, index: number): LocalAccount {
  const account = chain.accounts[index]
  if (account === undefined) {
    throw new InvalidConfigurationError('chain.accountCount', `account ${index} is missing`)
  }
  return { address: account.address, privateKey: account.privateKey, wallet: new Wallet(account.privateKey, ethers) }
}

/** The curator adds each provider, except a pending one, which applies itself; reports `provider:ready` but for those to be suspended. */
async function addProviders (start: NetworkStart, curator: LocalAccount, registry: ResourceRegistryClient, providers: readonly LocalProvider[]): Promise<void> {
  const { attempt, progress, queues } = start
  const { signal } = attempt
  await allOf(providers.map(async (provider) => {
    await attempt.part(`provider ${provider.label}`, async () => {
      const providerAt = performance.now()
      if (provider.initialStatus === 'pending') {
        await queues.run(provider.address, async () => provider.registry.applyAsProvider(provider.name, provider.metadataUri, { signal }))
      } else {
        await queues.run(curator.address, async () => registry.addProvider(provider.address, provider.name, provider.metadataUri, { signal }))
      }
      if (provider.initialStatus !== 'suspended') {
        progress.report({ type: 'provider:ready', label: provider.label, address: provider.address, status: provider.initialStatus }, providerAt)
      }
    })
  }))
}

/** Each server with a `registeredBy` is registered by that provider, all at once. */
async function registerServers (start: NetworkStart, providers: ReadonlyMap<string, LocalProvider>): Promise<void> {
  const { attempt, progress, queues } = start
  await allOf(start.servers.map(async ({ init, key }) => {
    const provider = init.registeredBy === undefined ? undefined : providers.get(init.registeredBy)
    if (provider === undefined) {
      return
    }
    await attempt.part(`registration of ${init.label} by ${provider.label}`, async () => {
      const registeredAt = performance.now()
      await registerLocalServer({ privateKey: key.privateKey, kind: init.plugin.kind }, provider, queues, { signal: attempt.signal })
      progress.report({ type: 'resource:registered', server: init.label, provider: provider.label, kind: init.plugin.kind.name, nodeId: key.nodeId }, registeredAt)
    })
  }))
}

/** The curator suspends `providers`, and each is reported `provider:ready` then. */
async function suspendProviders (start: NetworkStart, curator: LocalAccount, registry: ResourceRegistryClient, providers: readonly LocalProvider[]): Promise<void> {
  const { attempt, progress, queues } = start
  await allOf(providers.map(async (provider) => {
    await attempt.part(`provider ${provider.label}`, async () => {
      const suspendedAt = performance.now()
      await queues.run(curator.address, async () => registry.suspendProvider(provider.address, { signal: attempt.signal }))
      progress.report({ type: 'provider:ready', label: provider.label, address: provider.address, status: 'suspended' }, suspendedAt)
    })
  }))
}

/** The discv5 side: the bootnode, then every server at once, each in a directory of its own under `dataDir`. */
async function startDiscv5Side (start: NetworkStart, dataDir: string): Promise<Discv5Side> {
  const { attempt, progress, resources, logger, discv5 } = start
  const stepAt = performance.now()
  const bootnode = new Discv5Node({ ...discv5, bindHost: LOCAL_HOST, logger: logger.child({ component: 'bootnode' }) })
  resources.holdBootnode(bootnode)
  await attempt.part('bootnode', async () => { await bootnode.start() })
  progress.report({ type: 'bootnode:started', nodeId: bootnode.nodeId, enr: bootnode.enr }, stepAt)
  const context = { dataRoot: dataDir, bootnodeEnr: bootnode.enr, discv5, logger, resources, progress }
  const servers: RunningLocalServer[] = await allOf(start.servers.map(async ({ init, key }) => attempt.part(`server ${init.label}`, async () => startLocalServer(init, key, context, attempt.signal))))
  return { bootnode, servers }
}
