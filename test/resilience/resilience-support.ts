/**
 * Helpers of the resilience tests: a client of the scenario's registry, and
 * waiting for client events.
 */
import {
  createResourceContainer, KindSelector, ResourceClient, ResourceKindContribution, type ResourceClientInit, type ResourceContainerInit, type Selector
} from '@resource-discovery/core'
import { fileResourceCacheModule } from '@resource-discovery/core/node'
import { ContainerModule } from 'inversify'
import { mail, type RegistryScenario, type TestNode } from '../support/registry-scenario.js'

/** How often the clients' registry verifiers poll the chain in these tests (ms). */
export const POLL_INTERVAL_MS = 25

export interface RegistryClientInit {
  /** Servers the client ships with (verified against the registry). */
  servers?: readonly TestNode[]
  /** The providers the client trusts; default alice. */
  trustedProviders?: readonly string[]
  cacheDir?: string
  selector?: Selector
  client?: ResourceClientInit
  modules?: ResourceContainerInit['modules']
  logger?: ResourceContainerInit['logger']
}

/** A client verifying against the scenario's registry (polled every {@link POLL_INTERVAL_MS}). */
export function registryClient (scenario: RegistryScenario, init: RegistryClientInit = {}): ResourceClient {
  return createResourceContainer({
    servers: (init.servers ?? []).map((node) => ({ kind: 'mailserver', address: node.resource.enr as string })),
    registry: {
      rpcUrl: scenario.chain.rpcUrl,
      registryAddress: scenario.registry.address,
      defaultProvider: scenario.alice.address,
      ...(init.trustedProviders === undefined ? {} : { trustedProviders: init.trustedProviders }),
      pollIntervalMs: POLL_INTERVAL_MS
    },
    client: { reverifyIntervalMs: 600_000, rediscoverIntervalMs: 600_000, cacheSaveDelayMs: 20, ...init.client },
    ...(init.logger === undefined ? {} : { logger: init.logger }),
    modules: [
      ...(init.cacheDir === undefined ? [] : [fileResourceCacheModule({ dir: init.cacheDir })]),
      new ContainerModule(({ bind }) => {
        bind(ResourceKindContribution).toConstantValue(mail)
        if (init.selector !== undefined) {
          bind(KindSelector).toConstantValue({ kind: 'mailserver', selector: init.selector })
        }
      }),
      ...(init.modules ?? [])
    ]
  }).get(ResourceClient)
}

/** Picks the first candidate it is given: shows the order candidates arrive in. */
export const firstCandidate: Selector = {
  name: 'first',
  async select (_kind, candidates) {
    return candidates[0]
  }
}
