/**
 * A third server kind as a plugin: bridges that relay messages to another
 * network. Core learns of it only through the container.
 */
import { defineResourceKind, ResourceKindContribution } from '@resource-discovery/core'
import { ContainerModule } from 'inversify'

/** libp2p protocol by which a client hands a bridge a message to relay. */
export const BRIDGE_RELAY_PROTOCOL = '/example/bridge/relay/1.0.0'

/**
 * Bridges: advertised on discv5 under `/resource-discovery/bridge/1`,
 * registered in the registry under `keccak256("bridge")`.
 */
export const bridgeKind = defineResourceKind({
  name: 'bridge',
  protocols: [BRIDGE_RELAY_PROTOCOL],
  description: 'Relays messages to another network'
})

/** The bridge plugin: load it into a resource container. */
export function bridge (): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(ResourceKindContribution).toConstantValue(bridgeKind)
  })
}
