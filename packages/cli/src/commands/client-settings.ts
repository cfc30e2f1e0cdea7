import type { ContainerModule } from 'inversify'
import { ResourceDiscoveryError, RpcUnavailableError, type FinalityOption, type RegistryVerifierInit } from '@resource-discovery/core'
import { discv5Discovery } from '@resource-discovery/discv5'
import { parseEnrTreeUrl } from '@resource-discovery/dns-discovery'
import { dnsDiscovery, isDnsServerAddress } from '@resource-discovery/dns-discovery/node'
import { checkAddress, checkEnr, parseServerEntry, type ServerEntry } from '../config/check-values.js'
import type { ResolvedOptions } from '../config/resolve-options.js'
import { UsageError } from '../errors.js'
import type { PluginCatalog } from '../plugins/plugin-catalog.js'
import { clientBindHost } from '../runtime/network-profile.js'
import { openRegistry, openRpc } from '../runtime/open-registry.js'
import { withoutLibraryDetails } from '../output/describe-error.js'
import type { Output } from '../output/output.js'

/**
 * What `find` and `daemon` build their resource container from: the
 * discovery network (bootnodes), the registry and trusted providers, and the
 * user's own servers, all checked before anything starts.
 */
export interface ClientSettings {
  /** The bootnodes' ENRs (signatures checked). */
  readonly bootnodes: readonly string[]
  /** The DNS node lists (`enrtree://` URLs, checked) and the DNS servers to look them up at (none: the system's resolver). */
  readonly dns: DnsSources
  /** The address the client's discv5 node binds: loopback when every bootnode is on loopback (see {@link clientBindHost}). */
  readonly bindHost: string
  /** The registry verifier's options, if `--rpc-url` and `--registry` are given. */
  readonly registry?: RegistryVerifierInit
  /** The user's own servers (`--server`), each with its kind if it named one. */
  readonly servers: readonly ServerEntry[]
  /** The chain id the first RPC endpoint that answered reported; absent without a registry or when none answered. */
  readonly chainId?: bigint
}

/** `--dns-tree` and `--dns-server`. */
export interface DnsSources {
  /** The lists' `enrtree://` URLs, checked. */
  readonly trees: readonly string[]
  /** DNS servers, `IP` or `IP:PORT`; empty for the system's resolver. */
  readonly servers: readonly string[]
}

/** The places a client looks for servers: bootnodes, DNS node lists and the user's own servers, checked. */
export interface ClientSources {
  /** The bootnodes' records (signatures checked). */
  readonly bootnodes: ReadonlyArray<ReturnType<typeof checkEnr>>
  /** The DNS node lists and where to look them up. */
  readonly dns: DnsSources
  /** The user's own servers (`--server`), each with its kind if it named one. */
  readonly servers: readonly ServerEntry[]
}

/**
 * Checks `--bootnode`, `--dns-tree`, `--dns-server` and `--server` (each
 * ENR's signature, each URL's key and domain, each multiaddr's peer id),
 * before any plugin is loaded, so a malformed one fails at once.
 *
 * @throws {@link InvalidOptionValueError} (a usage error) naming the option and what is wrong
 */
export function checkSources (options: ResolvedOptions): ClientSources {
  return {
    bootnodes: options.list('bootnodes').map((enr) => checkEnr(options.where('bootnodes'), enr)),
    dns: {
      trees: options.list('dnsTrees').map((url) => checkEnrTreeUrl(options, url)),
      servers: options.list('dnsServers').map((server) => checkDnsServer(options, server))
    },
    servers: options.list('servers').map((entry) => parseServerEntry(options.where('servers'), entry))
  }
}

/** `url` if it is a well-formed `enrtree://<key>@<domain>`. */
function checkEnrTreeUrl (options: ResolvedOptions, url: string): string {
  try {
    parseEnrTreeUrl(url.trim())
    return url.trim()
  } catch (err) {
    throw options.invalid('dnsTrees', err instanceof ResourceDiscoveryError ? err.message : String(err), err)
  }
}

/** `server` if it is an IPv4 or IPv6 address with an optional port (`1.1.1.1`, `127.0.0.1:5353`, `[::1]:53`). */
function checkDnsServer (options: ResolvedOptions, server: string): string {
  if (!isDnsServerAddress(server.trim())) {
    throw options.invalid('dnsServers', `expected an IP address with an optional port (1.1.1.1, 127.0.0.1:5353, [::1]:53), got "${server}"`)
  }
  return server.trim()
}

/**
 * Checks and gathers the client options. With a registry, the RPC endpoint
 * is asked once and the contract's code checked, so an unreachable endpoint
 * or a wrong address fails here with one clear line. A long-running client
 * (`tolerateUnreachableRpc`, the daemon) starts anyway when the endpoint
 * is down, with a warning: its verifier fails closed and recovers by itself.
 *
 * @throws {@link UsageError} for a malformed value, an unknown kind or half of the registry options
 * @throws RpcUnavailableError (core) if the RPC endpoint does not answer
 * @throws RegistryNotDeployedError (registry) if no contract is at the registry address
 */
export async function clientSettings (
  options: ResolvedOptions,
  sources: ClientSources,
  catalog: PluginCatalog,
  output: Output,
  signal: AbortSignal,
  { tolerateUnreachableRpc = false }: { tolerateUnreachableRpc?: boolean } = {}
): Promise<ClientSettings> {
  const { servers } = sources
  for (const server of servers) {
    if (server.kind !== undefined) {
      catalog.requireKind(server.kind)
    }
  }
  const bootnodes = sources.bootnodes.map((record) => record.enr)
  const { dns } = sources
  const bindHost = clientBindHost(sources.bootnodes.map((record) => record.ip))
  if (options.given('rpcUrls') !== options.given('registry')) {
    throw options.missing(options.given('rpcUrls') ? 'registry' : 'rpcUrls')
  }
  if (!options.given('rpcUrls')) {
    return { bootnodes, dns, bindHost, servers }
  }
  const trusted = options.list('trust').map((address) => checkAddress(options.where('trust'), address))
  const defaultProvider = options.given('defaultProvider') ? checkAddress(options.where('defaultProvider'), options.requireString('defaultProvider')) : undefined
  if (trusted.length === 0 && defaultProvider === undefined) {
    output.warn('no registry provider is trusted, so the registry vouches for no server: give --trust or --default-provider')
  }
  const rpcUrls = options.list('rpcUrls').map((url) => checkRpcUrl(options, url))
  const quorum = options.number('rpcQuorum')
  if (quorum !== undefined && quorum > rpcUrls.length) {
    throw options.invalid('rpcQuorum', `${quorum} endpoints cannot agree when ${rpcUrls.length} --rpc-url ${rpcUrls.length === 1 ? 'is' : 'are'} given`)
  }
  const finality = parseFinality(options)
  let registryAddress: string | undefined
  let chainId: bigint | undefined
  let unreachable: RpcUnavailableError | undefined
  // the first endpoint that answers checks the contract's code: a wrong address fails here, in one line
  for (const rpcUrl of rpcUrls) {
    try {
      const rpc = await openRpc(options, signal, rpcUrl)
      try {
        registryAddress = (await openRegistry(options, rpc, undefined, signal)).address
        chainId = rpc.chainId
      } finally {
        rpc.provider.destroy()
      }
      break
    } catch (err) {
      if (!(err instanceof RpcUnavailableError)) {
        throw err
      }
      unreachable ??= err
    }
  }
  if (registryAddress === undefined) {
    if (!tolerateUnreachableRpc || unreachable === undefined) {
      throw unreachable ?? new Error('no RPC endpoint given')
    }
    output.warn(`${withoutLibraryDetails(unreachable.shortMessage)}; starting anyway: servers the registry vouches for stay untrusted until the endpoint answers`)
    registryAddress = checkAddress(options.where('registry'), options.requireString('registry'))
  }
  const fromBlock = options.number('registryFromBlock')
  const registry: RegistryVerifierInit = {
    ...(rpcUrls.length === 1 ? { rpcUrl: rpcUrls[0] } : { rpcUrls }),
    ...(quorum === undefined ? {} : { quorum }),
    finality,
    ...(fromBlock === undefined ? {} : { fromBlock }),
    registryAddress,
    ...(defaultProvider === undefined ? {} : { defaultProvider }),
    ...(trusted.length === 0 ? {} : { trustedProviders: trusted })
  }
  return { bootnodes, dns, bindHost, registry, servers, ...(chainId === undefined ? {} : { chainId }) }
}

/** `url` if it is an http(s) URL. */
function checkRpcUrl (options: ResolvedOptions, url: string): string {
  if (!URL.canParse(url) || !['http:', 'https:'].includes(new URL(url).protocol)) {
    throw options.invalid('rpcUrls', `expected an http:// or https:// URL, got "${url}"`)
  }
  return url
}

/** `--finality`: a number of confirmations, `safe` or `finalized`. */
function parseFinality (options: ResolvedOptions): FinalityOption {
  const text = options.string('finality') ?? '0'
  if (text === 'safe' || text === 'finalized') {
    return text
  }
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw options.invalid('finality', `expected a number of confirmations, "safe" or "finalized", got "${text}"`)
  }
  return Number(text)
}

/** Fails unless there is somewhere to look for servers. */
export function requireSources (sources: ClientSources, command: string): void {
  if (sources.bootnodes.length === 0 && sources.dns.trees.length === 0 && sources.servers.length === 0) {
    throw new UsageError(`${command} needs somewhere to look for servers: --bootnode (discv5), --dns-tree (a DNS node list) or --server (your own)`, `See \`rdisc ${command} --help\``)
  }
}

/**
 * The discovery modules of the settings: discv5 through the bootnodes (the
 * library's defaults, a pass bounded by `passTimeoutMs` if given) and the
 * DNS node lists, each only if given.
 */
export function discoveryModules (settings: ClientSettings, passTimeoutMs?: number): ContainerModule[] {
  const modules: ContainerModule[] = []
  if (settings.bootnodes.length > 0) {
    modules.push(discv5Discovery({
      bindHost: settings.bindHost,
      bootnodes: settings.bootnodes,
      ...(passTimeoutMs === undefined ? {} : { passTimeoutMs })
    }))
  }
  if (settings.dns.trees.length > 0) {
    modules.push(dnsDiscovery({
      trees: settings.dns.trees,
      ...(settings.dns.servers.length === 0 ? {} : { dns: { servers: settings.dns.servers } })
    }))
  }
  return modules
}
