/**
 * A device registered for push notifications: a client finds a push server
 * on discv5, verifies it against the on-chain registry, connects, and
 * registers a device for two topics; an envelope handed to the server on a
 * followed topic comes out as one webhook POST at the device-notification
 * gateway; after unregistering, a second envelope reaches nobody.
 *
 * The network comes from one `startLocalNetwork` call
 * (`@resource-discovery/devnet`): an anvil dev chain with the registry, a
 * default provider that registered one push server (with the node's
 * consent), and a discv5 bootnode. A small HTTP server stands in for the
 * gateway (the push server's webhook). The rest of this file is the client
 * side. Everything binds 127.0.0.1 and stops at the end.
 *
 * Run: npm start -w @resource-discovery/example-push-register
 */
import '@resource-discovery/core/polyfill'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { ClientHost } from '@resource-discovery/client-host'
import { createResourceContainer, ResourceClient, type ConnectResult } from '@resource-discovery/core'
import { LOCAL_HOST, LOCAL_PASS_TIMEOUT_MS, startLocalNetwork } from '@resource-discovery/devnet'
import { discv5Discovery } from '@resource-discovery/discv5'
import { push, pushConnector, type PushClient, type PushEnvelope } from '@resource-discovery/plugin-push'
import { pushServicePlugin } from '@resource-discovery/plugin-push/server'

/** The provider the client trusts: the application's default provider. */
const DEFAULT_PROVIDER = 'default'
/** Connects tried until the push server has been discovered (its ad takes a moment to be placed). */
const MAX_CONNECTS = 6
/** Longest to wait for the webhook POST of a notification. */
const WEBHOOK_WAIT_MS = 5000
/** How long to watch the webhook for a notification that must not come. */
const QUIET_WAIT_MS = 1000

/** The device and the topics it follows (4 bytes each, as in Waku v1): `push` and `mail`. */
const DEVICE_TOKEN = 'device-123'
const TOPICS = ['0x70757368', '0x6d61696c']
const FOLLOWED_TOPIC = '0x70757368'

const started = Date.now()
const log = (line: string): void => { console.log(line) }
const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`

/** One POST the stand-in gateway received. */
interface WebhookCall {
  readonly method: string
  readonly path: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

/** The stand-in device-notification gateway: records every request, answers 204. */
class WebhookRecorder {
  readonly calls: WebhookCall[] = []
  readonly #waiters = new Set<() => void>()
  readonly #server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => { chunks.push(chunk) })
    req.on('end', () => {
      this.calls.push({ method: req.method ?? '?', path: req.url ?? '?', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      res.writeHead(204).end()
      for (const wake of this.#waiters) wake()
    })
  })

  /** Listens on 127.0.0.1 and a free port; returns the URL to POST to. */
  async start (): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(0, LOCAL_HOST, resolve)
    })
    const { port } = this.#server.address() as AddressInfo
    return `http://${LOCAL_HOST}:${port}/notify`
  }

  async stop (): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) => { this.#server.close(() => { resolve() }) })
  }

  /** Resolves once `count` calls were received, or after `timeoutMs` (whichever comes first). */
  async waitFor (count: number, timeoutMs: number): Promise<void> {
    if (this.calls.length >= count) return
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.#waiters.delete(check)
        resolve()
      }
      const check = (): void => { if (this.calls.length >= count) done() }
      const timer = setTimeout(done, timeoutMs)
      this.#waiters.add(check)
    })
  }
}

// the device-notification gateway (a relay to APNs or FCM), as a stand-in that records what it receives
const webhook = new WebhookRecorder()
const webhookUrl = await webhook.start()
// the network: the chain, the registry, the default provider, the bootnode and a push server notifying the gateway
const network = await startLocalNetwork({
  providers: [{ label: DEFAULT_PROVIDER, name: 'Default provider' }],
  servers: [{ label: 'push-1', plugin: pushServicePlugin, registeredBy: DEFAULT_PROVIDER, options: { gateway: webhookUrl } }]
}).catch(async (err: unknown) => {
  await webhook.stop()
  throw err
})
const host = new ClientHost({ dialTimeoutMs: 5000, requestTimeoutMs: 5000 })
const client = createResourceContainer({
  plugins: [push()],
  // the registry verifier trusts the default provider; discovery joins discv5 through the bootnode
  registry: network.registryVerifierInit(DEFAULT_PROVIDER),
  modules: [discv5Discovery(network.discv5ClientSettings())]
}).get(ResourceClient)
try {
  log(`chain: anvil at ${network.rpcUrl} (chain id ${network.chainId})`)
  log(`registry: deployed at ${network.registryAddress}, default provider ${network.provider(DEFAULT_PROVIDER).address}`)
  log(`gateway: webhook listening at ${webhookUrl}`)
  log(`discv5: bootnode ${network.bootnode.nodeId} on udp ${network.bootnode.udpPort ?? '?'}`)
  const pushServer = network.server('push-1')
  log(`server: push-1 ${pushServer.nodeId} at ${pushServer.multiaddrs[0] ?? '?'}, registered by the default provider`)

  // 1. the client: find, verify, connect
  await client.start()
  await host.start()
  let connected: ConnectResult<PushClient> | undefined
  for (let attempt = 1; connected === undefined; attempt++) {
    try {
      connected = await client.connect('push', pushConnector(host), { discoveryTimeoutMs: LOCAL_PASS_TIMEOUT_MS })
    } catch (err) {
      // no push server discovered yet: its ad may not be placed; anything else is a failure
      if (!(err instanceof Error && err.name === 'NoTrustedResourceError') || attempt >= MAX_CONNECTS) throw err
      log(`client: connect ${attempt} found no verified push server yet`)
    }
  }
  const { verdict, client: pushClient } = connected
  log(`client: connected to push-1 ${verdict.resource.nodeId} at ${verdict.resource.multiaddrs[0] ?? '?'} verified: ${verdict.reason}`)

  // 2. register the device, hand the server an envelope on a followed topic, watch the webhook
  const registrationId = await pushClient.register({ deviceToken: DEVICE_TOKEN, topics: TOPICS })
  log(`register: ${DEVICE_TOKEN} for ${TOPICS.join(', ')}: registration id ${registrationId}`)
  const first: PushEnvelope = { topic: FOLLOWED_TOPIC, payload: new TextEncoder().encode('you have mail'), timestamp: Date.now() }
  const forwarded = await pushClient.forward(first)
  log(`forward: envelope ${forwarded.envelopeId} on ${FOLLOWED_TOPIC}, ${forwarded.matched} registration(s) follow it`)
  await webhook.waitFor(1, WEBHOOK_WAIT_MS)
  for (const call of webhook.calls) {
    log(`webhook: ${call.method} ${call.path} ${call.headers['content-type'] ?? ''} ${call.body}`)
  }
  const deliveredBefore = webhook.calls.length

  // 3. unregister, then a second envelope on the same topic reaches nobody
  await pushClient.unregister(registrationId)
  log(`unregister: ${registrationId}`)
  const second: PushEnvelope = { topic: FOLLOWED_TOPIC, payload: new TextEncoder().encode('more mail'), timestamp: Date.now() }
  const forwardedAgain = await pushClient.forward(second)
  log(`forward: envelope ${forwardedAgain.envelopeId} on ${FOLLOWED_TOPIC}, ${forwardedAgain.matched} registration(s) follow it`)
  await sleep(QUIET_WAIT_MS)
  const deliveredAfter = webhook.calls.length - deliveredBefore
  log(`webhook: ${deliveredAfter} notification(s) after unregister`)
  log(`summary: push-1 verified by ${verdict.provider}, ${deliveredBefore} notification(s) while registered, ${deliveredAfter} after unregister, in ${elapsed()}`)
} finally {
  await client.stop()
  await host.stop()
  await network.stop()
  await webhook.stop()
}
log(`stopped everything after ${elapsed()}`)
