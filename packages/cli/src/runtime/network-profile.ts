import { LOCAL_DISCV5, LOCAL_PASS_TIMEOUT_MS, LOCAL_REGISTRY_POLL_INTERVAL_MS } from '@resource-discovery/devnet'
import type { ResourceServerDiscv5Init } from '@resource-discovery/server'

/** Whether `host` is an IPv4 loopback address (127.0.0.0/8) or `localhost`. */
export function isLoopback (host: string | undefined): boolean {
  return host !== undefined && (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === 'localhost')
}

/**
 * discv5 settings for nodes bound to `host`: on a loopback address, the
 * settings of a local network (short timeouts, the registrars'
 * IP-similarity score off, since every node shares the address, see
 * `LOCAL_DISCV5` of `@resource-discovery/devnet`); elsewhere the defaults,
 * made for the internet.
 */
export function discv5SettingsFor (host: string | undefined): ResourceServerDiscv5Init {
  return isLoopback(host) ? LOCAL_DISCV5 : {}
}

/** A discovery client's settings when every bootnode is on loopback: bind loopback, short passes. */
export interface ClientNetworkProfile {
  /** Address the client's discv5 node binds. */
  readonly bindHost: string
  /** discv5 node settings. */
  readonly discv5: ResourceServerDiscv5Init
  /** Longest discovery pass (ms), if the profile bounds it. */
  readonly passTimeoutMs?: number
  /** How often the registry verifier polls (ms), if the profile sets it. */
  readonly registryPollIntervalMs?: number
}

/**
 * The client profile for a network reached through bootnodes at
 * `bootnodeHosts`: local settings if every one is on loopback, else the
 * defaults on every interface.
 */
export function clientProfileFor (bootnodeHosts: ReadonlyArray<string | undefined>): ClientNetworkProfile {
  if (bootnodeHosts.length > 0 && bootnodeHosts.every(isLoopback)) {
    return { bindHost: '127.0.0.1', discv5: LOCAL_DISCV5, passTimeoutMs: LOCAL_PASS_TIMEOUT_MS, registryPollIntervalMs: LOCAL_REGISTRY_POLL_INTERVAL_MS }
  }
  return { bindHost: '0.0.0.0', discv5: {} }
}
