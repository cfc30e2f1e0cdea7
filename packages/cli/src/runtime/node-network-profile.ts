import { LOCAL_DISCV5 } from '@resource-discovery/devnet'
import type { ResourceServerDiscv5Init } from '@resource-discovery/server'
import { isLoopback } from './network-profile.js'

/**
 * discv5 settings for nodes (servers, bootnodes) bound to `host`: on a
 * loopback address, the settings of a local network (short timeouts, the
 * registrars' IP-similarity score off, since every node shares the
 * address, see `LOCAL_DISCV5` of `@resource-discovery/devnet`); elsewhere
 * the defaults, made for the internet. Only `bootnode` and `serve` load
 * this module (and the devnet package with it).
 */
export function discv5SettingsFor (host: string | undefined): ResourceServerDiscv5Init {
  return isLoopback(host) ? LOCAL_DISCV5 : {}
}
