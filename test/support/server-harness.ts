/**
 * Resource servers and clients on 127.0.0.1 for the tests of
 * `@resource-discovery/server` and `@resource-discovery/client-host`: an echo
 * kind, a slow protocol, and a {@link Harness} that stops what a test started.
 */
import { ClientHost, type ClientHostInit, type ResourceStream } from '@resource-discovery/client-host'
import { defineResourceKind, delay, type ResourceKind } from '@resource-discovery/core'
import { ResourceServer, type ResourceServerInit } from '@resource-discovery/server'

/** The protocol of the echo test kind. */
export const ECHO_PROTOCOL = '/rd-test/echo/1.0.0'
/** A protocol whose handler answers late. */
export const SLOW_PROTOCOL = '/rd-test/slow/1.0.0'

/** A kind served by the test servers. */
export const echoKind: ResourceKind = defineResourceKind({ name: 'echo', protocols: [ECHO_PROTOCOL] })

/** Fast discv5 settings: no registrar, no bootstrap lookup. */
export const QUIET_DISCV5 = { registrar: false, bootstrapLookup: false, requestTimeoutMs: 500 } as const

export const encode = (text: string): Uint8Array => new TextEncoder().encode(text)
export const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

/** Echoes one message back. */
export async function echo (stream: ResourceStream): Promise<void> {
  await stream.write(await stream.read())
}

/** Servers and clients made by a test; `cleanup()` stops them all. */
export class Harness {
  readonly servers: ResourceServer[] = []
  readonly clients: ClientHost[] = []
  /** Aborted in cleanup (then replaced): slow handlers wait on it so no timer outlives a test. */
  done = new AbortController()

  server (init: ResourceServerInit = {}): ResourceServer {
    const server = new ResourceServer({ discv5: QUIET_DISCV5, ...init })
    this.servers.push(server)
    return server
  }

  async startedServer (init: ResourceServerInit = {}): Promise<ResourceServer> {
    const server = this.server(init)
    await server.handle(ECHO_PROTOCOL, echo)
    await server.handle(SLOW_PROTOCOL, async (stream) => {
      const request = await stream.read()
      await delay(5000, { signal: this.done.signal }).catch(() => {})
      await stream.write(request)
    })
    await server.start()
    return server
  }

  async client (init: ClientHostInit = {}): Promise<ClientHost> {
    const client = new ClientHost(init)
    this.clients.push(client)
    await client.start()
    return client
  }

  async cleanup (): Promise<void> {
    this.done.abort()
    this.done = new AbortController()
    await Promise.all([...this.clients, ...this.servers].map(async (s) => { await s.stop() }))
    this.servers.length = 0
    this.clients.length = 0
  }
}
