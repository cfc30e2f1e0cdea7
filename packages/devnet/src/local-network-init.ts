/**
 * What a caller asks a local network for: the types of
 * {@link StartLocalNetworkInit} (providers, servers, chain and discv5
 * options) and their defaults.
 */

import type { Logger } from '@resource-discovery/core'
import type { StartDevChainOptions } from '@resource-discovery/devchain'
import type { ResourceServerDiscv5Init, ResourceServerInit, ResourceServicePlugin } from '@resource-discovery/server'
import type { LocalNetworkProgress } from './local-network-progress.js'

/**
 * Where a provider of a local network stands once the network is up:
 *
 * - `approved`: the curator added it (`addProvider`); it registers servers;
 * - `pending`: it applied (`applyAsProvider`) and the curator has not
 *   decided; it cannot register servers;
 * - `suspended`: added, it registered its servers, then the curator
 *   suspended it; its servers stop verifying.
 */
export type LocalProviderStatus = 'approved' | 'pending' | 'suspended'

/** A provider of a local network: one funded dev-chain account. */
export interface LocalProviderInit {
  /** How the network, its helpers and the caller name it, e.g. `default`: letters, digits, `.`, `_` and `-`. */
  label: string
  /** Display name it registers under. Default: the label. */
  name?: string
  /** URI of its description document. Default `https://<label>.provider.example/provider.json`. */
  metadataUri?: string
  /** Where it stands once the network is up. Default `approved`. */
  status?: LocalProviderStatus
}

/** A server of a local network: one node of a plugin's kind. */
export interface LocalServerInit {
  /** How the network, its helpers and the caller name it, e.g. `mail-1`: letters, digits, `.`, `_` and `-`. Also its data directory's name. */
  label: string
  /** The plugin whose service the server runs (its kind is the server's kind). */
  plugin: ResourceServicePlugin
  /** The label of the provider that registers it (with the node's consent); none: it is not registered. The provider must not be `pending`. */
  registeredBy?: string
  /** The plugin's options, as an operator gives them (`{ gateway: 'log' }`). Default: none, the plugin's defaults. */
  options?: Readonly<Record<string, string>>
  /** The node's secp256k1 private key (32 bytes or hex). Default: a fresh random one. */
  privateKey?: Uint8Array | string
  /**
   * Further options of the node's `ResourceServer`: a WebSocket listener and
   * extensions, e.g. `{ webSocketPort: 0, extensions: [wakuServerExtension({ cluster: 16, shards: [32], services: ['store'] })] }`
   * (`@resource-discovery/plugin-waku/server`) for a mail server that is also a Waku store.
   */
  server?: LocalResourceServerInit
}

/** The `ResourceServer` options a {@link LocalServerInit} may set; the network sets the key, host, kinds, bootnodes, discv5 and logger. */
export type LocalResourceServerInit = Pick<ResourceServerInit, 'webSocketPort' | 'extensions' | 'maxMessageBytes' | 'inboundConnectionsPerSecond'>

/** What {@link startLocalNetwork} starts. Every field is optional. */
export interface StartLocalNetworkInit {
  /** The providers, in order: the first one gets the dev chain's second account, and so on (the first account is the curator's). Default: none. */
  providers?: readonly LocalProviderInit[]
  /** The servers. Default: none. */
  servers?: readonly LocalServerInit[]
  /** Called after each step, with its timings. A listener that throws does not stop the start. */
  onProgress?: (event: LocalNetworkProgress) => void
  /** discv5 settings of the bootnode and the servers. Default {@link LOCAL_DISCV5}. */
  discv5?: ResourceServerDiscv5Init
  /** Further options of the dev chain. `accountCount` defaults to the curator, the providers and {@link DEFAULT_SPARE_ACCOUNTS} more. */
  chain?: Omit<StartDevChainOptions, 'signal'>
  /** Directory the network's temporary directory is made in. Default: the OS temp directory. */
  tmpDir?: string
  /** Where the servers and services log. Default: nowhere. */
  logger?: Logger
}

/** Dev-chain accounts a local network leaves unused by default, for a test's own applicant or user. */
export const DEFAULT_SPARE_ACCOUNTS = 2
