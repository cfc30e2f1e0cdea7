import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decodeEnr, delay, resourceFromRecord, type Resource } from '@resource-discovery/core'
import { ClientHost, type ClientHostInit } from '@resource-discovery/client-host'
import { ResourceServer, type ResourceStream } from '@resource-discovery/server'
import { MAILSERVER_HISTORY_PROTOCOL, MailserverClient, mailserverKind, type Envelope } from '../../src/index.js'
import { MailserverService, type MailserverServiceInit } from '../../src/server/index.js'

/** Fast discv5 settings: no registrar, no bootstrap lookup (as in packages/server/test/fixtures). */
export const QUIET_DISCV5 = { registrar: false, bootstrapLookup: false, requestTimeoutMs: 500 } as const

export const topicA = Uint8Array.of(0xaa, 0, 0, 1)
export const topicB = Uint8Array.of(0xbb, 0, 0, 2)
export const topicC = Uint8Array.of(0xcc, 0, 0, 3)
export const HOUR_MS = 3_600_000

/** An envelope of `topic` at `timestamp`, expiring an hour later; `tag` makes the payload unique. */
export function envelope (topic: Uint8Array, timestamp: number, tag: string): Envelope {
  return { topic, payload: new TextEncoder().encode(tag), timestamp, expiry: timestamp + HOUR_MS }
}

export const tagOf = (e: Envelope): string => new TextDecoder().decode(e.payload)

/** A running mail server: resource server, service and its store in a temp dir. */
export interface RunningMailserver {
  server: ResourceServer
  service: MailserverService
  privateKey: Uint8Array
  path: string
  /** The server as a verified client sees it (from its signed ENR). */
  resource: Resource
}

/** Servers, services, clients and temp dirs made by a test; `cleanup()` stops and removes them all. */
export class MailserverHarness {
  readonly #stops: Array<() => Promise<void>> = []
  /** Aborted in cleanup: slow handlers wait on it, so no timer outlives a test. */
  done = new AbortController()

  async tempDir (): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'rd-mailserver-'))
    this.#stops.push(async () => { await rm(dir, { recursive: true, force: true }) })
    return dir
  }

  server (privateKey: Uint8Array): ResourceServer {
    const server = new ResourceServer({ privateKey, discv5: QUIET_DISCV5, kinds: [mailserverKind] })
    this.#stops.push(async () => { await server.stop() })
    return server
  }

  async mailserver (init: MailserverServiceInit = {}): Promise<RunningMailserver> {
    const privateKey = Uint8Array.from(randomBytes(32))
    const server = this.server(privateKey)
    const path = join(await this.tempDir(), 'envelopes')
    const service = new MailserverService({ server, store: path, privateKey }, init)
    this.#stops.push(async () => { await service.stop() })
    await service.start()
    await server.start()
    return { server, service, privateKey, path, resource: resourceFromRecord(mailserverKind, decodeEnr(server.enr), 'discv5') }
  }

  /** A server on the history protocol that reads a request and never answers (until cleanup). */
  async silentServer (): Promise<{ server: ResourceServer, resource: Resource }> {
    const server = this.server(Uint8Array.from(randomBytes(32)))
    await server.handle(MAILSERVER_HISTORY_PROTOCOL, async (stream: ResourceStream) => {
      await stream.read()
      await delay(30_000, { signal: this.done.signal }).catch(() => {})
    })
    await server.start()
    return { server, resource: resourceFromRecord(mailserverKind, decodeEnr(server.enr), 'discv5') }
  }

  async host (init: ClientHostInit = {}): Promise<ClientHost> {
    const host = new ClientHost(init)
    this.#stops.push(async () => { await host.stop() })
    await host.start()
    return host
  }

  async client (resource: Resource): Promise<MailserverClient> {
    return new MailserverClient({ host: await this.host(), resource })
  }

  async cleanup (): Promise<void> {
    this.done.abort()
    this.done = new AbortController()
    const stops = this.#stops.splice(0).reverse()
    for (const stop of stops) {
      await stop()
    }
  }
}
