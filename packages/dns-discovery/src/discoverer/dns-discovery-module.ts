import { DiscovererContribution } from '@resource-discovery/core'
import { ContainerModule } from 'inversify'
import { DnsDiscoverer, DnsDiscovererInit } from './dns-discoverer.js'

/**
 * Adds EIP-1459 DNS node lists as a discovery source to a resource
 * container: binds a {@link DnsDiscoverer} (singleton) as a
 * `DiscovererContribution`, so the client's merged discoverer also resolves
 * the trees.
 *
 * This entry runs in browsers, so the resolver is required: `dohResolver()`
 * there. In Node, `dnsDiscovery` of `@resource-discovery/dns-discovery/node`
 * defaults it to the system's DNS.
 *
 * @example
 * ```ts
 * const container = createResourceContainer({
 *   plugins: [mailserver()],
 *   modules: [dnsDiscovery({ trees: ['enrtree://AM5F...@nodes.example.org'], resolver: dohResolver({ url: 'https://cloudflare-dns.com/dns-query' }) })]
 * })
 * ```
 */
export function dnsDiscovery (init: DnsDiscovererInit): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(DnsDiscovererInit).toConstantValue(init)
    bind(DnsDiscoverer).toSelf().inSingletonScope()
    bind(DiscovererContribution).toService(DnsDiscoverer)
  })
}
