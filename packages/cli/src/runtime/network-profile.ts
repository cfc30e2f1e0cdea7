/** Whether `host` is an IPv4 loopback address (127.0.0.0/8) or `localhost`. */
export function isLoopback (host: string | undefined): boolean {
  return host !== undefined && (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === 'localhost')
}

/**
 * The address a discovery client (`find`, `daemon`) binds its discv5 node
 * to, for a network reached through bootnodes at `bootnodeHosts`: loopback
 * if every one is on loopback, else every interface.
 *
 * Nothing else about the client differs on loopback: it runs with the
 * library's defaults, which are the fast path (the first selection comes as
 * soon as one server is verified), and this module loads none of the local
 * network's code, so `find` starts without it. Servers and bootnodes on
 * loopback do need local settings: see `discv5SettingsFor` in
 * `node-network-profile.ts`.
 */
export function clientBindHost (bootnodeHosts: ReadonlyArray<string | undefined>): string {
  return bootnodeHosts.length > 0 && bootnodeHosts.every(isLoopback) ? '127.0.0.1' : '0.0.0.0'
}
