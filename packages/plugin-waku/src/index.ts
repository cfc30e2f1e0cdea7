/**
 * The Waku plugin of resource-discovery. It makes the Waku service nodes
 * that Status and other Waku networks run (store, lightpush, filter and
 * relay nodes) kinds that clients can discover, verify and select. A Waku
 * node is recognised by the `waku2` capability byte of its ordinary ENR
 * (RFC 31/WAKU2-ENR) and reached at the addresses of its `multiaddrs`
 * field; a kind can be narrowed to one cluster and set of shards
 * (`rs`/`rsv`, RFC 51). Nothing is asked of a Waku node beyond what nwaku
 * already publishes, except, for the registry, its operator's consent.
 *
 * `SelectedWakuPeers` hands the store node a client selected to a stock
 * js-waku light node (`createLightNode({ store: { peers } })`) and keeps
 * it current as the selection changes.
 *
 * This entry runs wherever core runs, browsers included (no `node:`
 * imports, no `Buffer`).
 *
 * @example
 * ```ts
 * import { createResourceContainer, ResourceClient } from '@resource-discovery/core'
 * import { discv5Discovery } from '@resource-discovery/discv5'
 * import { waku } from '@resource-discovery/plugin-waku'
 *
 * const container = createResourceContainer({
 *   plugins: [waku({ cluster: 16 })],
 *   // Waku nodes place no topic ads: the walk finds them by each kind's `serves`
 *   modules: [discv5Discovery({ bootnodes: ['enr:-QEKuED9AJm2HGgrRpVaJY2nj68ao_Qi...'], topicSearch: false })]
 * })
 * const client = container.get<ResourceClient>(ResourceClient)
 * await client.start()
 * const { selected } = await client.find('waku-store')
 * ```
 *
 * @packageDocumentation
 */
export * from './client/index.js'
export * from './enr/index.js'
export { InvalidWakuFieldError, type WakuFieldResult } from './errors.js'
export * from './kinds/index.js'
export { rdiscPlugin } from './rdisc-plugin.js'
export { waku, type WakuOptions } from './waku-module.js'
