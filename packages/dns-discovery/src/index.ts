/**
 * EIP-1459 node lists over DNS: a signed merkle tree of ENRs in TXT records,
 * found through an `enrtree://<key>@<domain>` URL.
 *
 * This entry runs anywhere (Node, browsers, React Native: no `node:`
 * import, no `Buffer`). It holds the tree codec (`parseEnrTreeUrl`,
 * `parseTreeEntry`, `entryHash`, root signatures) and the building side
 * (`buildDnsTree`, `signDnsTree`, `toZoneText`, `toJson`/`fromJson`), and the
 * resolving side: `DnsTreeClient` (verifies and caches trees by seq over any
 * `DnsTxtResolver`, e.g. `dohResolver` in browsers) and `DnsDiscoverer` with
 * its container module `dnsDiscovery` (a core discovery source). The DNS
 * server that answers a tree, `serveDnsTree`, is in
 * `@resource-discovery/dns-discovery/node`.
 *
 * @example
 * ```ts
 * import { buildDnsTree, signDnsTree, toZoneText } from '@resource-discovery/dns-discovery'
 *
 * const tree = signDnsTree(buildDnsTree({ enrs, seq: 1, domain: 'nodes.example.org' }), privateKey)
 * console.log(tree.url) // enrtree://...@nodes.example.org, for clients
 * console.log(toZoneText(tree)) // TXT records to publish at the DNS provider
 * ```
 *
 * @packageDocumentation
 */
export * from './build/index.js'
export * from './client/index.js'
export * from './discoverer/index.js'
export * from './errors.js'
export * from './resolver/index.js'
export * from './tree/index.js'
