import type { ContainerModule } from 'inversify'
import type { DnsDiscovererInit } from '../discoverer/dns-discoverer.js'
import { dnsDiscovery as browserDnsDiscovery } from '../discoverer/dns-discovery-module.js'
import type { DnsTxtResolver } from '../resolver/dns-txt-resolver.js'
import { systemResolver, type SystemResolverInit } from './system-resolver.js'

/** Options of the Node {@link dnsDiscovery}: as the main entry's, with the resolver optional. */
export interface NodeDnsDiscoveryInit extends Omit<DnsDiscovererInit, 'resolver'> {
  /** Where TXT records are looked up; default `systemResolver(dns)`. */
  resolver?: DnsTxtResolver
  /** Options of the default system resolver (DNS servers, timeout), when `resolver` is absent. */
  dns?: SystemResolverInit
}

/**
 * Adds EIP-1459 DNS node lists as a discovery source, in Node: as the main
 * entry's `dnsDiscovery`, with the system's DNS (or `dns.servers`) as the
 * default resolver.
 *
 * @throws InvalidConfigurationError naming `servers[i]` if a DNS server is not an IP address with an optional port
 *
 * @example
 * ```ts
 * const container = createResourceContainer({
 *   plugins: [mailserver()],
 *   modules: [dnsDiscovery({ trees: ['enrtree://AM5F...@nodes.example.org'] })]
 * })
 * ```
 */
export function dnsDiscovery (init: NodeDnsDiscoveryInit): ContainerModule {
  const { dns, resolver, ...rest } = init
  return browserDnsDiscovery({ ...rest, resolver: resolver ?? systemResolver(dns) })
}
