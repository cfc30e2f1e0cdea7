/**
 * The loopback settings of a local network: its host, its discv5 settings
 * and the client timings it hands out, each with the reason it differs from
 * the default.
 */

import { DEFAULT_AD_CACHE_CAPACITY } from '@resource-discovery/discv5'
import type { ResourceServerDiscv5Init } from '@resource-discovery/server'

/** The address every part of a local network binds and announces: loopback only. */
export const LOCAL_HOST = '127.0.0.1'

/**
 * discv5 settings for a network that lives a few seconds on one address.
 * The servers and the bootnode of a local network run with them, and
 * {@link LocalNetwork.discv5ClientSettings} hands them to clients.
 *
 * They differ from the defaults, which are made for the internet, where
 * every node has its own address and lives for days.
 */
export const LOCAL_DISCV5 = {
  registrar: {
    /**
     * 0 (default 1): the registrars' IP-similarity score is off. Every node
     * is 127.0.0.1, so with the score on, a second ad from "the same
     * address" would be made to wait about an ad lifetime (15 minutes).
     */
    ipScoreWeight: 0,
    /**
     * The whole ad cache (default 10): the per-IP-prefix cap would otherwise
     * hold every local server together to 10 ads per registrar, since they
     * all share one prefix.
     */
    maxAdsPerIpPrefix: DEFAULT_AD_CACHE_CAPACITY
  },
  /**
   * 1 s per discv5 request (the default, pinned here): a loopback answer
   * takes well under a millisecond, so one that has not come within a
   * second is not coming (its node has stopped).
   */
  requestTimeoutMs: 1000,
  /**
   * 3 s per lookup (default 10 s): a lookup over a dozen loopback nodes ends
   * in milliseconds; the bound only matters once nodes have stopped, and
   * then it keeps a stop or a test from waiting long.
   */
  lookupTimeoutMs: 3000,
  /**
   * 2.5 s per topic request (default 2 s): a node's first TALKREQ to a peer
   * also pays for the session handshake, and while a dozen nodes start at
   * once on a small machine that round trip can take long.
   */
  topics: { requestTimeoutMs: 2500 },
  /**
   * 1 s (default 30 s) between an advertiser's looks for new registrars.
   * Servers that start together know only the bootnode at first; they find
   * each other, and place their ads with each other, within a second or two
   * instead of half a minute.
   */
  advertiser: { refreshIntervalMs: 1000 }
} as const satisfies ResourceServerDiscv5Init

/**
 * Longest one discovery pass of a local client runs (default 10 s): on
 * loopback a pass has found what it will find within a second or so; what
 * was found by then is what the pass yields.
 */
export const LOCAL_PASS_TIMEOUT_MS = 3000

/**
 * How often a local client's registry verifier asks anvil for a new head
 * (core's default is made for a public RPC endpoint): a registration or a
 * revocation then counts within a tenth of a second.
 */
export const LOCAL_REGISTRY_POLL_INTERVAL_MS = 100

/** How often the network's own ethers provider polls anvil (it mines each transaction at once). */
export const LOCAL_ETHERS_POLLING_INTERVAL_MS = 50
