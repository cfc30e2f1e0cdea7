/**
 * What a caller gets: the types of a running local network, its accounts,
 * providers and servers ({@link LocalNetwork}, {@link LocalServer}...). The
 * implementation is `running-local-network.ts`.
 */

import type { AbortOptions, RegistryVerifierInit, Resource, ResourceKind, Startable } from '@resource-discovery/core'
import type { DevChain } from '@resource-discovery/devchain'
import type { Discv5DiscovererInit, Discv5Node } from '@resource-discovery/discv5'
import type { RegistryTransaction, ResourceRegistryClient } from '@resource-discovery/registry-admin'
import type { ResourceServer, ResourceServicePlugin } from '@resource-discovery/server'
import type { JsonRpcProvider, Wallet } from 'ethers'
import type { LocalProviderStatus, LocalServerInit } from './local-network-init.js'

/** A funded dev-chain account of a local network, with a wallet on the network's ethers provider. */
export interface LocalAccount {
  /** EIP-55 checksummed address. */
  readonly address: string
  /** 0x-prefixed 32-byte hex private key (a public dev key: never fund it on a real chain). */
  readonly privateKey: string
  /** A signer of the account on {@link LocalNetwork.ethers}. */
  readonly wallet: Wallet
}

/** A provider of a local network. */
export interface LocalProvider extends LocalAccount {
  readonly label: string
  /** The display name it registered under. */
  readonly name: string
  readonly metadataUri: string
  /** Where it stood once the network was up (the helpers and the chain may have changed it since: ask {@link ResourceRegistryClient.getProvider}). */
  readonly initialStatus: LocalProviderStatus
  /** The registry, acting as this provider. */
  readonly registry: ResourceRegistryClient
}

/** A running server of a local network: a {@link ResourceServer} and the service a plugin built on it. */
export interface LocalServer<S extends Startable = Startable> {
  readonly label: string
  /** The kind it serves (its plugin's). */
  readonly kind: ResourceKind
  readonly plugin: ResourceServicePlugin
  /** discv5 node id, 64 hex characters. */
  readonly nodeId: string
  /** libp2p peer id (`16Uiu2...`), the same key. */
  readonly peerId: string
  /** Its current signed ENR. */
  readonly enr: string
  /** Where clients connect, each ending in `/p2p/<peerId>`. */
  readonly multiaddrs: readonly string[]
  /** The label of the provider that registered it when it started, if any (the helpers do not change this: the registry is the truth). */
  readonly registeredBy?: string
  readonly service: S
  readonly server: ResourceServer
  /** The node's private key, 32 bytes. */
  readonly privateKey: Uint8Array
  /** The service's own data directory (inside {@link LocalNetwork.dataDir}). */
  readonly dataDir: string
  /** The server as a client knows it from its ENR (origin `static`): enough for a plugin's client to connect without discovery. */
  toResource: () => Resource
}

/**
 * A whole resource-discovery network on 127.0.0.1, started by
 * {@link startLocalNetwork}: anvil with the ResourceRegistry contract, a
 * curator (the chain's first account), providers, a discv5 bootnode and
 * servers of any plugin kind, each with its own data directory.
 *
 * The helpers change the registry as the curator or a provider would, one
 * transaction at a time per account. {@link LocalNetwork.stop} stops it all.
 */
export interface LocalNetwork {
  /** anvil's JSON-RPC endpoint. */
  readonly rpcUrl: string
  readonly chainId: number
  /** The dev chain (its accounts, `mine()`...). */
  readonly chain: DevChain
  /** An ethers provider on the chain, polling fast; destroyed by `stop()`. */
  readonly ethers: JsonRpcProvider
  /** Address of the ResourceRegistry contract. */
  readonly registryAddress: string
  /** The registry, acting as the curator. */
  readonly registry: ResourceRegistryClient
  /** The curator: the chain's first account, which deployed the registry. */
  readonly curator: LocalAccount
  /** The providers by label, in the order given. */
  readonly providers: ReadonlyMap<string, LocalProvider>
  /** The discv5 bootnode every server (and client) joins through. */
  readonly bootnode: Discv5Node
  /** The bootnode's ENR. */
  readonly bootnodeEnr: string
  /** The running servers, in the order given (then the ones added). */
  readonly servers: readonly LocalServer[]
  /** The network's temporary directory, removed by `stop()`. */
  readonly dataDir: string
  /** Whether `stop()` was called. */
  readonly stopped: boolean

  /** The provider labelled `label`. @throws {@link UnknownLabelError} */
  provider: (label: string) => LocalProvider
  /** The server labelled `label`. @throws {@link UnknownLabelError} */
  server: (label: string) => LocalServer

  /**
   * Settings of a client's discv5 discoverer on this network: loopback, the
   * bootnode, {@link LOCAL_DISCV5} and {@link LOCAL_PASS_TIMEOUT_MS};
   * `overrides` win.
   *
   * @example
   * ```ts
   * createResourceContainer({ plugins, modules: [discv5Discovery(network.discv5ClientSettings())] })
   * ```
   */
  discv5ClientSettings: (overrides?: Discv5DiscovererInit) => Discv5DiscovererInit

  /**
   * A client's registry settings on this network: the registry, the first
   * of `trusted` as the default provider and all of them as the trusted
   * ones, and {@link LOCAL_REGISTRY_POLL_INTERVAL_MS}; `overrides` win.
   *
   * @param trusted - provider label(s); default: the first provider given
   * @throws {@link UnknownLabelError} for a label the network does not have
   */
  registryVerifierInit: (trusted?: string | readonly string[], overrides?: RegistryVerifierInit) => RegistryVerifierInit

  /** Provider `provider` registers server `server` (with the node's consent). */
  registerResource: (server: string, provider: string, options?: AbortOptions) => Promise<RegistryTransaction>
  /** Provider `provider` removes its registration of server `server`. */
  removeResource: (server: string, provider: string, options?: AbortOptions) => Promise<RegistryTransaction>
  /**
   * Server `server` withdraws from provider `provider`'s list on its own
   * signature (the node's key signs; the curator's account relays it), as a
   * node operator would against a provider that does not remove it.
   */
  withdrawResource: (server: string, provider: string, options?: AbortOptions) => Promise<RegistryTransaction>
  /** The curator approves the pending provider `provider`. */
  approveProvider: (provider: string, options?: AbortOptions) => Promise<RegistryTransaction>
  /** The curator suspends provider `provider`: its servers stop verifying. */
  suspendProvider: (provider: string, options?: AbortOptions) => Promise<RegistryTransaction>
  /** The curator reinstates the suspended provider `provider`. */
  reinstateProvider: (provider: string, options?: AbortOptions) => Promise<RegistryTransaction>
  /** The curator removes provider `provider` and with it its registrations. */
  removeProvider: (provider: string, options?: AbortOptions) => Promise<RegistryTransaction>

  /**
   * Starts one more server on the network (and registers it if asked); if
   * that fails, nothing of it is left running.
   *
   * @throws InvalidConfigurationError (core) for a malformed `init` or a label in use
   * @throws {@link LocalNetworkStartError} if it fails to start
   */
  addServer: (init: LocalServerInit, options?: AbortOptions) => Promise<LocalServer>
  /** Stops server `label` (its data directory stays until `stop()`) and drops it from {@link LocalNetwork.servers}. */
  stopServer: (label: string) => Promise<void>

  /**
   * Stops everything in reverse order (servers, bootnode, ethers provider,
   * anvil) and removes the temporary directory. Idempotent: later calls
   * return the first call's promise.
   */
  stop: () => Promise<void>
}
