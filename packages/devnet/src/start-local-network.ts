import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  AbortError,
  InvalidConfigurationError,
  parseNodePrivateKey,
  silentLogger,
  throwIfAborted,
  toAbortError,
  type AbortOptions,
  type Logger,
  type RegistryVerifierInit,
  type Resource,
  type ResourceKind,
  type Startable
} from '@resource-discovery/core'
import { startDevChain, type DevChain } from '@resource-discovery/devchain'
import { Discv5Node, type Discv5DiscovererInit } from '@resource-discovery/discv5'
import {
  createRpcProvider,
  deployResourceRegistry,
  nodeIdFromPublicKey,
  nodePublicKeyFromPrivateKey,
  type RegistryTransaction,
  type ResourceRegistryClient
} from '@resource-discovery/registry'
import { ResourceServer, type ResourceServerDiscv5Init, type ResourceServicePlugin } from '@resource-discovery/server'
import { Wallet, type JsonRpcProvider } from 'ethers'
import { LocalNetworkStartError, LocalNetworkStoppedError, UnknownLabelError } from './errors.js'
import type { LocalAccount, LocalNetwork, LocalProvider, LocalServer } from './local-network.js'
import {
  DEFAULT_SPARE_ACCOUNTS,
  type LocalProviderInit,
  type LocalProviderStatus,
  type LocalServerInit,
  type StartLocalNetworkInit
} from './local-network-init.js'
import type { LocalNetworkProgress } from './local-network-progress.js'
import {
  LOCAL_DISCV5,
  LOCAL_ETHERS_POLLING_INTERVAL_MS,
  LOCAL_HOST,
  LOCAL_PASS_TIMEOUT_MS,
  LOCAL_REGISTRY_POLL_INTERVAL_MS
} from './local-settings.js'

/** What a label may be: it names a data directory too. */
const LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

/** The statuses a provider may be given. */
const PROVIDER_STATUSES: readonly LocalProviderStatus[] = ['approved', 'pending', 'suspended']

/** A progress event without its timings, which the reporter adds. */
type ProgressEvent = LocalNetworkProgress extends infer E ? E extends LocalNetworkProgress ? Omit<E, 'durationMs' | 'elapsedMs'> : never : never

/** A server being started or running: what has to be stopped for it. */
interface ServerParts {
  readonly label: string
  readonly server: ResourceServer
  service?: Startable
}

/** Everything a network holds that has to be released, filled in as it starts. */
interface NetworkParts {
  dataDir?: string
  chain?: DevChain
  ethers?: JsonRpcProvider
  bootnode?: Discv5Node
  readonly servers: ServerParts[]
}

/** Runs each account's transactions one after the other (each waits for its receipt, so nonces never clash). */
class AccountQueues {
  readonly #tails = new Map<string, Promise<void>>()

  async run<T> (account: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(account) ?? Promise.resolve()
    const result = previous.then(task)
    this.#tails.set(account, result.then(() => undefined, () => undefined))
    return result
  }
}

/** Calls `onProgress` with timings; a listener that throws is ignored. */
class ProgressReporter {
  readonly #origin = performance.now()
  readonly #listener: ((event: LocalNetworkProgress) => void) | undefined

  constructor (listener: ((event: LocalNetworkProgress) => void) | undefined) {
    this.#listener = listener
  }

  report (event: ProgressEvent, stepStartedAt: number): void {
    const now = performance.now()
    try {
      this.#listener?.({ ...event, durationMs: Math.round(now - stepStartedAt), elapsedMs: Math.round(now - this.#origin) })
    } catch {
      // a progress listener must not break the network
    }
  }
}

/**
 * Remembers the first real failure of a concurrent start and aborts the
 * other branches, so a failing start does not wait for the slow parts.
 */
class StartAttempt {
  readonly #controller = new AbortController()
  readonly #userSignal: AbortSignal | undefined
  #failure: LocalNetworkStartError | undefined
  readonly #onUserAbort = (): void => { this.#controller.abort(this.#userSignal?.reason) }

  constructor (userSignal: AbortSignal | undefined) {
    this.#userSignal = userSignal
    if (userSignal?.aborted === true) {
      this.#controller.abort(userSignal.reason)
    }
    userSignal?.addEventListener('abort', this.#onUserAbort, { once: true })
  }

  /** Aborts when the caller aborts or a part fails. */
  get signal (): AbortSignal {
    return this.#controller.signal
  }

  /** Runs one part; its failure, unless caused by the abort, becomes the start's failure. */
  async part<T> (part: string, task: () => Promise<T>): Promise<T> {
    throwIfAborted(this.signal)
    try {
      return await task()
    } catch (err) {
      if (!this.signal.aborted) {
        this.#failure = new LocalNetworkStartError(part, { cause: err })
        this.#controller.abort(this.#failure)
      }
      throw err
    }
  }

  /** The error the start rejects with: the caller's abort, else the first part's failure, else `fallback`. */
  error (fallback: unknown): unknown {
    if (this.#userSignal?.aborted === true) {
      return toAbortError(this.#userSignal)
    }
    return this.#failure ?? fallback
  }

  dispose (): void {
    this.#userSignal?.removeEventListener('abort', this.#onUserAbort)
  }
}

/**
 * Waits for every task, even when one fails (a task still running must not
 * be left behind by the cleanup), then throws the first failure.
 */
async function allOf<T> (tasks: ReadonlyArray<Promise<T>>): Promise<T[]> {
  const results = await Promise.allSettled(tasks)
  const failed = results.find((result) => result.status === 'rejected')
  if (failed !== undefined) {
    throw failed.reason
  }
  return results.map((result) => (result as PromiseFulfilledResult<T>).value)
}

/** Stops what `parts` holds, newest first, and removes the temporary directory; returns what failed. */
async function releaseParts (parts: NetworkParts): Promise<unknown[]> {
  const failures: unknown[] = []
  const attempt = async (task: () => Promise<void> | void): Promise<void> => {
    try {
      await task()
    } catch (err) {
      failures.push(err)
    }
  }
  await Promise.all(parts.servers.map(async (server) => { await stopServerParts(server, failures) }))
  parts.servers.length = 0
  await attempt(async () => { await parts.bootnode?.stop() })
  await attempt(() => { parts.ethers?.destroy() })
  await attempt(async () => { await parts.chain?.stop() })
  if (parts.dataDir !== undefined) {
    const dataDir = parts.dataDir
    await attempt(async () => { await rm(dataDir, { recursive: true, force: true }) })
  }
  return failures
}

/** Stops a server, then its service (the reverse of their start). */
async function stopServerParts (parts: ServerParts, failures: unknown[]): Promise<void> {
  try {
    await parts.server.stop()
  } catch (err) {
    failures.push(err)
  }
  try {
    await parts.service?.stop()
  } catch (err) {
    failures.push(err)
  }
}

function checkLabel (option: string, label: unknown): string {
  if (typeof label !== 'string' || !LABEL_PATTERN.test(label)) {
    throw new InvalidConfigurationError(option, `a label is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit; got ${JSON.stringify(label)}`)
  }
  return label
}

function checkServerInit (server: LocalServerInit, option: string, providers: ReadonlyMap<string, LocalProviderInit>): void {
  checkLabel(`${option}.label`, server.label)
  const plugin = server.plugin as Partial<ResourceServicePlugin> | undefined
  if (typeof plugin?.createService !== 'function' || typeof plugin.kind?.name !== 'string') {
    throw new InvalidConfigurationError(`${option}.plugin`, 'expected a ResourceServicePlugin (kind, options, createService), e.g. mailserverServicePlugin')
  }
  if (server.registeredBy !== undefined) {
    const provider = providers.get(server.registeredBy)
    if (provider === undefined) {
      throw new InvalidConfigurationError(`${option}.registeredBy`, `no provider is labelled "${server.registeredBy}" (known: ${[...providers.keys()].join(', ') || 'none'})`)
    }
    if (provider.status === 'pending') {
      throw new InvalidConfigurationError(`${option}.registeredBy`, `provider "${server.registeredBy}" is pending: only an approved provider registers servers (a suspended one registers them before it is suspended)`)
    }
  }
}

/** Checks `init` before anything runs; returns the providers by label. */
function checkInit (init: StartLocalNetworkInit): Map<string, LocalProviderInit> {
  const providers = new Map<string, LocalProviderInit>()
  ;(init.providers ?? []).forEach((provider, index) => {
    const label = checkLabel(`providers[${index}].label`, provider.label)
    if (providers.has(label)) {
      throw new InvalidConfigurationError(`providers[${index}].label`, `the label "${label}" is used twice`)
    }
    if (provider.status !== undefined && !PROVIDER_STATUSES.includes(provider.status)) {
      throw new InvalidConfigurationError(`providers[${index}].status`, `expected approved, pending or suspended, got ${JSON.stringify(provider.status)}`)
    }
    providers.set(label, provider)
  })
  const servers = new Set<string>()
  ;(init.servers ?? []).forEach((server, index) => {
    checkServerInit(server, `servers[${index}]`, providers)
    if (servers.has(server.label)) {
      throw new InvalidConfigurationError(`servers[${index}].label`, `the label "${server.label}" is used twice`)
    }
    servers.add(server.label)
  })
  const accountCount = init.chain?.accountCount
  if (accountCount !== undefined && accountCount < 1 + providers.size) {
    throw new InvalidConfigurationError('chain.accountCount', `the curator and ${providers.size} provider(s) need ${1 + providers.size} accounts, got ${accountCount}`)
  }
  return providers
}

/** A server's node key, parsed: the one given, or a fresh random one. */
type NodeKey = ReturnType<typeof parseNodePrivateKey>

/** The node key of `init`: the one given, or a fresh random one. */
function nodeKeyOf (init: LocalServerInit, option: string): NodeKey {
  return parseNodePrivateKey(init.privateKey ?? Uint8Array.from(randomBytes(32)), option)
}

class RunningServer implements LocalServer {
  readonly label: string
  readonly kind: ResourceKind
  readonly plugin: ResourceServicePlugin
  readonly registeredBy?: string
  readonly service: Startable
  readonly server: ResourceServer
  readonly privateKey: Uint8Array
  readonly dataDir: string

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

  get nodeId (): string {
    return this.server.nodeId
  }

  get peerId (): string {
    return this.server.peerId
  }

  get enr (): string {
    return this.server.enr
  }

  get multiaddrs (): readonly string[] {
    return this.server.multiaddrs
  }

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

/** What starting one server needs of the network. */
interface ServerContext {
  readonly dataRoot: string
  readonly bootnodeEnr: string
  readonly discv5: ResourceServerDiscv5Init
  readonly logger: Logger
  readonly servers: ServerParts[]
  readonly progress: ProgressReporter
}

/** Builds, starts and reports one server; what it built is in `context.servers` from the moment it exists, so a failure leaves it to be released. */
async function startServer (init: LocalServerInit, key: NodeKey, context: ServerContext, signal: AbortSignal | undefined): Promise<RunningServer> {
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
  const parts: ServerParts = { label: init.label, server }
  context.servers.push(parts)
  const service = await init.plugin.createService({ server, privateKey: key.privateKey, dataDir, logger, options: init.options ?? {} })
  parts.service = service
  throwIfAborted(signal)
  await service.start()
  throwIfAborted(signal)
  await server.start()
  context.progress.report({ type: 'server:started', label: init.label, kind: init.plugin.kind.name, nodeId: server.nodeId, multiaddrs: server.multiaddrs }, startedAt)
  return new RunningServer(init, server, service, key.privateKey, dataDir)
}

class RunningLocalNetwork implements LocalNetwork {
  readonly rpcUrl: string
  readonly chainId: number
  readonly chain: DevChain
  readonly ethers: JsonRpcProvider
  readonly registryAddress: string
  readonly registry: ResourceRegistryClient
  readonly curator: LocalAccount
  readonly providers: ReadonlyMap<string, LocalProvider>
  readonly bootnode: Discv5Node
  readonly bootnodeEnr: string
  readonly dataDir: string
  readonly #servers: RunningServer[]
  readonly #parts: NetworkParts
  readonly #queues: AccountQueues
  readonly #discv5: ResourceServerDiscv5Init
  readonly #logger: Logger
  #stopping: Promise<void> | undefined

  constructor (fields: {
    chain: DevChain
    ethers: JsonRpcProvider
    registry: ResourceRegistryClient
    curator: LocalAccount
    providers: ReadonlyMap<string, LocalProvider>
    bootnode: Discv5Node
    dataDir: string
    servers: RunningServer[]
    parts: NetworkParts
    queues: AccountQueues
    discv5: ResourceServerDiscv5Init
    logger: Logger
  }) {
    this.chain = fields.chain
    this.rpcUrl = fields.chain.rpcUrl
    this.chainId = fields.chain.chainId
    this.ethers = fields.ethers
    this.registry = fields.registry
    this.registryAddress = fields.registry.address
    this.curator = fields.curator
    this.providers = fields.providers
    this.bootnode = fields.bootnode
    this.bootnodeEnr = fields.bootnode.enr
    this.dataDir = fields.dataDir
    this.#servers = fields.servers
    this.#parts = fields.parts
    this.#queues = fields.queues
    this.#discv5 = fields.discv5
    this.#logger = fields.logger
  }

  get servers (): readonly LocalServer[] {
    return [...this.#servers]
  }

  get stopped (): boolean {
    return this.#stopping !== undefined
  }

  provider (label: string): LocalProvider {
    const provider = this.providers.get(label)
    if (provider === undefined) {
      throw new UnknownLabelError('provider', label, [...this.providers.keys()])
    }
    return provider
  }

  server (label: string): RunningServer {
    const server = this.#servers.find((candidate) => candidate.label === label)
    if (server === undefined) {
      throw new UnknownLabelError('server', label, this.#servers.map((candidate) => candidate.label))
    }
    return server
  }

  discv5ClientSettings (overrides: Discv5DiscovererInit = {}): Discv5DiscovererInit {
    // a client is no registrar: leave the discoverer's own default (none) in place
    const { registrar: _registrar, ...settings } = this.#discv5
    return { ...settings, bindHost: LOCAL_HOST, bootnodes: [this.bootnodeEnr], passTimeoutMs: LOCAL_PASS_TIMEOUT_MS, ...overrides }
  }

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

  async registerResource (serverLabel: string, providerLabel: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    this.#checkRunning('registerResource')
    const server = this.server(serverLabel)
    return registerResource(server.privateKey, server.kind, this.provider(providerLabel), this.#queues, options)
  }

  async removeResource (serverLabel: string, providerLabel: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    this.#checkRunning('removeResource')
    const server = this.server(serverLabel)
    const provider = this.provider(providerLabel)
    return this.#queues.run(provider.address, async () => provider.registry.removeResource(server.kind.kindId, `0x${server.nodeId}`, options))
  }

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

  async approveProvider (label: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#asCurator('approveProvider', label, async (address) => this.registry.approveProvider(address, options))
  }

  async suspendProvider (label: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#asCurator('suspendProvider', label, async (address) => this.registry.suspendProvider(address, options))
  }

  async reinstateProvider (label: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#asCurator('reinstateProvider', label, async (address) => this.registry.reinstateProvider(address, options))
  }

  async removeProvider (label: string, options: AbortOptions = {}): Promise<RegistryTransaction> {
    return this.#asCurator('removeProvider', label, async (address) => this.registry.removeProvider(address, options))
  }

  async addServer (init: LocalServerInit, options: AbortOptions = {}): Promise<LocalServer> {
    this.#checkRunning('addServer')
    checkServerInit(init, 'server', new Map([...this.providers].map(([label, provider]) => [label, { label, status: provider.initialStatus }])))
    if (this.#servers.some((server) => server.label === init.label) || this.#parts.servers.some((server) => server.label === init.label)) {
      throw new InvalidConfigurationError('server.label', `the label "${init.label}" is in use`)
    }
    const attempt = new StartAttempt(options.signal)
    const parts: ServerParts[] = []
    try {
      const context: ServerContext = { dataRoot: this.dataDir, bootnodeEnr: this.bootnodeEnr, discv5: this.#discv5, logger: this.#logger, servers: parts, progress: new ProgressReporter(undefined) }
      const key = nodeKeyOf(init, 'server.privateKey')
      const server = await attempt.part(`server ${init.label}`, async () => startServer(init, key, context, attempt.signal))
      if (init.registeredBy !== undefined) {
        const provider = this.provider(init.registeredBy)
        await attempt.part(`registration of ${init.label} by ${provider.label}`, async () => registerResource(server.privateKey, server.kind, provider, this.#queues, { signal: attempt.signal }))
      }
      this.#parts.servers.push(...parts)
      this.#servers.push(server)
      return server
    } catch (err) {
      await Promise.all(parts.map(async (part) => { await stopServerParts(part, []) }))
      throw attempt.error(err)
    } finally {
      attempt.dispose()
    }
  }

  async stopServer (label: string): Promise<void> {
    const server = this.server(label)
    this.#servers.splice(this.#servers.indexOf(server), 1)
    const index = this.#parts.servers.findIndex((parts) => parts.label === label)
    const [parts] = this.#parts.servers.splice(index, 1)
    const failures: unknown[] = []
    if (parts !== undefined) {
      await stopServerParts(parts, failures)
    }
    if (failures.length > 0) {
      throw failures.length === 1 ? failures[0] : new AggregateError(failures, `Server ${label} did not stop cleanly`)
    }
  }

  async stop (): Promise<void> {
    this.#stopping ??= (async () => {
      this.#servers.length = 0
      const failures = await releaseParts(this.#parts)
      if (failures.length > 0) {
        throw failures.length === 1 ? failures[0] : new AggregateError(failures, 'The local network did not stop cleanly')
      }
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

/**
 * `provider` registers the node of `privateKey` as `kind`, with the node's
 * consent. The node's queue spans reading its nonce to mining the
 * transaction, so two registrations of one node never sign the same nonce;
 * it is always taken before an account's queue, so the queues cannot deadlock.
 */
async function registerResource (
  privateKey: Uint8Array,
  kind: ResourceKind,
  provider: LocalProvider,
  queues: AccountQueues,
  options: AbortOptions
): Promise<RegistryTransaction> {
  return queues.run(nodeQueue(privateKey), async () => {
    const consent = await provider.registry.createNodeConsent(privateKey, { kindId: kind.kindId, provider: provider.address }, options)
    return queues.run(provider.address, async () => provider.registry.addResource(consent, options))
  })
}

/** The queue of the node of `privateKey`: its signed consents and withdrawals use its nonce one at a time. */
function nodeQueue (privateKey: Uint8Array): string {
  return `node:${nodeIdFromPublicKey(nodePublicKeyFromPrivateKey(privateKey))}`
}

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
  const providerInits = checkInit(init)
  const serverInits = init.servers ?? []
  // one key per server, made before the chain side registers it and the discv5 side runs it
  const keys = serverInits.map((server, index) => nodeKeyOf(server, `servers[${index}].privateKey`))
  throwIfAborted(options.signal)
  const progress = new ProgressReporter(init.onProgress)
  const logger = init.logger ?? silentLogger
  const discv5 = init.discv5 ?? LOCAL_DISCV5
  const parts: NetworkParts = { servers: [] }
  const queues = new AccountQueues()
  const attempt = new StartAttempt(options.signal)
  const startedAt = performance.now()
  try {
    const dataDir = await mkdtemp(join(init.tmpDir ?? tmpdir(), 'rd-devnet-'))
    parts.dataDir = dataDir

    const chainSide = async (): Promise<{ curator: LocalAccount, registry: ResourceRegistryClient, providers: Map<string, LocalProvider> }> => {
      const { signal } = attempt
      let stepAt = performance.now()
      const chain = await attempt.part('chain', async () => startDevChain({
        ...init.chain,
        accountCount: init.chain?.accountCount ?? 1 + providerInits.size + DEFAULT_SPARE_ACCOUNTS,
        signal
      }))
      parts.chain = chain
      progress.report({ type: 'chain:started', rpcUrl: chain.rpcUrl, chainId: chain.chainId }, stepAt)

      stepAt = performance.now()
      const ethers = await attempt.part('chain', async () => createRpcProvider(chain.rpcUrl, { chainId: chain.chainId, pollingIntervalMs: LOCAL_ETHERS_POLLING_INTERVAL_MS, batch: false, signal }))
      parts.ethers = ethers
      const accountOf = (index: number): LocalAccount => {
        const account = chain.accounts[index]
        if (account === undefined) {
          throw new InvalidConfigurationError('chain.accountCount', `account ${index} is missing`)
        }
        return { address: account.address, privateKey: account.privateKey, wallet: new Wallet(account.privateKey, ethers) }
      }
      const curator = accountOf(0)
      const { client: registry } = await attempt.part('registry', async () => deployResourceRegistry(curator.wallet, { rpcUrl: chain.rpcUrl, signal }))
      progress.report({ type: 'registry:deployed', registryAddress: registry.address, curator: curator.address }, stepAt)

      const providers = new Map<string, LocalProvider>()
      ;[...providerInits.values()].forEach((providerInit, index) => {
        const account = accountOf(1 + index)
        providers.set(providerInit.label, {
          ...account,
          label: providerInit.label,
          name: providerInit.name ?? providerInit.label,
          metadataUri: providerInit.metadataUri ?? `https://${providerInit.label}.provider.example/provider.json`,
          initialStatus: providerInit.status ?? 'approved',
          registry: registry.connect(account.wallet)
        })
      })
      const providerList = [...providers.values()]
      await allOf(providerList.map(async (provider) => {
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

      await allOf(serverInits.map(async (server, index) => {
        const provider = server.registeredBy === undefined ? undefined : providers.get(server.registeredBy)
        const key = keys[index]
        if (provider === undefined || key === undefined) {
          return
        }
        await attempt.part(`registration of ${server.label} by ${provider.label}`, async () => {
          const registeredAt = performance.now()
          await registerResource(key.privateKey, server.plugin.kind, provider, queues, { signal })
          progress.report({ type: 'resource:registered', server: server.label, provider: provider.label, kind: server.plugin.kind.name, nodeId: key.nodeId }, registeredAt)
        })
      }))

      await allOf(providerList.filter((provider) => provider.initialStatus === 'suspended').map(async (provider) => {
        await attempt.part(`provider ${provider.label}`, async () => {
          const suspendedAt = performance.now()
          await queues.run(curator.address, async () => registry.suspendProvider(provider.address, { signal }))
          progress.report({ type: 'provider:ready', label: provider.label, address: provider.address, status: 'suspended' }, suspendedAt)
        })
      }))
      return { curator, registry, providers }
    }

    const discv5Side = async (): Promise<{ bootnode: Discv5Node, servers: RunningServer[] }> => {
      const { signal } = attempt
      const stepAt = performance.now()
      const bootnode = new Discv5Node({ ...discv5, bindHost: LOCAL_HOST, logger: logger.child({ component: 'bootnode' }) })
      parts.bootnode = bootnode
      await attempt.part('bootnode', async () => { await bootnode.start() })
      progress.report({ type: 'bootnode:started', nodeId: bootnode.nodeId, enr: bootnode.enr }, stepAt)
      const context: ServerContext = { dataRoot: dataDir, bootnodeEnr: bootnode.enr, discv5, logger, servers: parts.servers, progress }
      const servers = await allOf(serverInits.map(async (server, index) => attempt.part(`server ${server.label}`, async () => {
        const key = keys[index]
        if (key === undefined) {
          throw new InvalidConfigurationError(`servers[${index}].privateKey`, 'no key was made for this server')
        }
        return startServer(server, key, context, signal)
      })))
      return { bootnode, servers }
    }

    const [chainResult, discv5Result] = await Promise.allSettled([chainSide(), discv5Side()])
    if (chainResult.status === 'rejected') {
      throw chainResult.reason
    }
    if (discv5Result.status === 'rejected') {
      throw discv5Result.reason
    }
    throwIfAborted(attempt.signal)
    const { curator, registry, providers } = chainResult.value
    const { bootnode, servers } = discv5Result.value
    if (parts.chain === undefined || parts.ethers === undefined) {
      throw new AbortError('The chain side ended without a chain')
    }
    const network = new RunningLocalNetwork({
      chain: parts.chain,
      ethers: parts.ethers,
      registry,
      curator,
      providers,
      bootnode,
      dataDir,
      servers,
      parts,
      queues,
      discv5,
      logger
    })
    progress.report({ type: 'network:ready', providers: providers.size, servers: servers.length }, startedAt)
    return network
  } catch (err) {
    await releaseParts(parts)
    throw attempt.error(err)
  } finally {
    attempt.dispose()
  }
}
