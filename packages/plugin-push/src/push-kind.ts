import { defineResourceKind } from '@resource-discovery/core'

/** libp2p protocol by which a client registers a device token and the topics it follows. */
export const PUSH_REGISTER_PROTOCOL = '/resource-discovery/push/register/1.0.0'

/**
 * Push-notification servers: they notify a client's device when a message
 * arrives on a topic it follows. Advertised on discv5 under
 * `/resource-discovery/push/1`; registry kind id `keccak256("push")`.
 */
export const pushKind = defineResourceKind({
  name: 'push',
  protocols: [PUSH_REGISTER_PROTOCOL],
  description: 'Notifies registered devices when a message arrives on a topic they follow'
})
