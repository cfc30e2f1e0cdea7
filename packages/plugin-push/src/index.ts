/**
 * The push-notification plugin of resource-discovery. Push servers notify a
 * client's device when a message arrives on a topic it follows; this plugin
 * makes them a kind that clients can discover, verify and select.
 *
 * @example
 * ```ts
 * import { createResourceContainer, ResourceClient } from '@resource-discovery/core'
 * import { push } from '@resource-discovery/plugin-push'
 *
 * const container = createResourceContainer({ plugins: [push()] })
 * const client = container.get<ResourceClient>(ResourceClient)
 * await client.start()
 * const { selected } = await client.find('push')
 * ```
 *
 * @packageDocumentation
 */
export { PUSH_REGISTER_PROTOCOL, pushKind } from './push-kind.js'
export { push } from './push-module.js'
