export { DNS_ORIGIN, DnsDiscoverer, DnsDiscovererInit } from './dns-discoverer.js'
export { dnsDiscovery } from './dns-discovery-module.js'
