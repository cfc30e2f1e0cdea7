/**
 * The Node-only part of `@resource-discovery/dns-discovery`: an
 * authoritative DNS server that answers signed trees over UDP and TCP, the
 * system resolver (`systemResolver`, over `node:dns`), and a `dnsDiscovery`
 * container module that defaults to it.
 *
 * @example
 * ```ts
 * import { serveDnsTree } from '@resource-discovery/dns-discovery/node'
 *
 * const server = await serveDnsTree({ trees: [tree], host: '127.0.0.1', port: 5353 })
 * await server.close()
 * ```
 *
 * @packageDocumentation
 */
export { dnsDiscovery, type NodeDnsDiscoveryInit } from './node-dns-discovery.js'
export { DEFAULT_DNS_TIMEOUT_MS, DEFAULT_DNS_TRIES, isDnsServerAddress, systemResolver, type SystemResolverInit } from './system-resolver.js'
export { DEFAULT_DNS_SERVER_HOST, DEFAULT_TCP_IDLE_TIMEOUT_MS, serveDnsTree, type DnsTreeServer, type DnsTreeServerStats, type ServeDnsTreeInit } from './serve-dns-tree.js'
