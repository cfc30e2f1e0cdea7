/**
 * A client of a local network, as a test needs one: trusting a provider,
 * discovering on the network's discv5, and finding until the servers have
 * been judged.
 */
import { createResourceContainer, RegistryVerifier, ResourceClient, type FindResult, type ResourceContainerInit } from '@resource-discovery/core'
import type { LocalNetwork } from '@resource-discovery/devnet'
import { discv5Discovery, type Discv5DiscovererInit } from '@resource-discovery/discv5'

/**
 * Starts a client of `network` with `plugins`: it trusts provider `trusted`
 * and discovers on the network's discv5 (`discovery` overrides the
 * settings). Resolves once its registry index has loaded, so that every
 * verdict comes from the index, which says who registered a node or that
 * nobody did, not from the contract's batch view, which answers for the
 * trusted providers only. The caller stops the client.
 */
export async function startNetworkClient (
  network: LocalNetwork, plugins: ResourceContainerInit['plugins'], trusted: string, discovery: Discv5DiscovererInit = {}
): Promise<ResourceClient> {
  const container = createResourceContainer({
    ...(plugins === undefined ? {} : { plugins }),
    registry: network.registryVerifierInit(trusted),
    modules: [discv5Discovery(network.discv5ClientSettings(discovery))]
  })
  const client = container.get(ResourceClient)
  await client.start()
  await container.get(RegistryVerifier).firstSync()
  return client
}

/** Options of {@link findUntilDiscovered}. */
export interface FindUntilDiscoveredOptions {
  /** Most finds to run. */
  attempts: number
  /** How long each find gathers discovered servers (ms). */
  discoveryTimeoutMs: number
}

/**
 * Finds `kind`, each pass running its whole discovery time, until `count`
 * servers have been discovered and judged (their ads take a moment to be
 * placed).
 *
 * @throws Error after `attempts` finds that discovered fewer
 */
export async function findUntilDiscovered (
  client: ResourceClient, kind: string, count: number, { attempts, discoveryTimeoutMs }: FindUntilDiscoveredOptions
): Promise<FindResult> {
  let result: FindResult | undefined
  for (let attempt = 0; attempt < attempts; attempt++) {
    result = await client.find(kind, { discoveryTimeoutMs, graceMs: Infinity })
    if (result.verified.length + result.rejected.length >= count) {
      return result
    }
  }
  throw new Error(`only ${(result?.verified.length ?? 0) + (result?.rejected.length ?? 0)} of ${count} ${kind} servers were discovered`)
}
