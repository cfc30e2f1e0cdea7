/**
 * A push server end to end on one machine: a dev chain with the registry
 * contract, a default provider that registers one push server (with the
 * node's consent) on a discv5 network, and a small HTTP server standing in
 * for a device-notification gateway (the push server's webhook). Then a
 * client finds the push server, verifies it against the registry, connects,
 * registers a device for two topics, and an envelope handed to the server on
 * a followed topic comes out as one webhook POST; after unregistering, a
 * second envelope reaches nobody. Everything binds 127.0.0.1 and stops at
 * the end.
 *
 * Run: npm start -w @resource-discovery/example-push-register
 */
import '@resource-discovery/core/polyfill'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { ClientHost } from '@resource-discovery/client-host'
import { createResourceContainer, ResourceClient, type ConnectResult } from '@resource-discovery/core'
import { startDevChain } from '@resource-discovery/devchain'
import { discv5Discovery, Discv5Node, type Discv5NodeInit } from '@resource-discovery/discv5'
import { push, pushConnector, pushKind, type PushClient, type PushEnvelope } from '@resource-discovery/plugin-push'
import { PushService, WebhookGateway } from '@resource-discovery/plugin-push/server'
import { createRpcProvider, deployResourceRegistry } from '@resource-discovery/registry'
import { ResourceServer } from '@resource-discovery/server'
import { Wallet } from 'ethers'

/**
 * discv5 settings for a network that lives a few seconds on one address:
 * short timeouts, and the registrars' IP-similarity score off (every node is
 * 127.0.0.1, which would otherwise make a second ad wait an ad lifetime).
 */
const LOCAL_DISCV5 = {
  registrar: { ipScoreWeight: 0 },
  requestTimeoutMs: 1000,
  lookupTimeoutMs: 3000,
  topics: { requestTimeoutMs: 2500 },
  advertiser: { refreshIntervalMs: 1000 }
} satisfies Discv5NodeInit
const HOST = '127.0.0.1'
/** Longest one discovery pass of the client runs. */
const DISCOVERY_TIMEOUT_MS = 3000
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
const stops: Array<() => Promise<void>> = []
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
      this.#server.listen(0, HOST, resolve)
    })
    const { port } = this.#server.address() as AddressInfo
    return `http://${HOST}:${port}/notify`
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

try {
  // 1. the chain, the registry and its default provider
  const chain = await startDevChain({ accountCount: 2 })
  stops.push(async () => { await chain.stop() })
  log(`chain: anvil at ${chain.rpcUrl} (chain id ${chain.chainId})`)
  const ethers = await createRpcProvider(chain.rpcUrl, { chainId: chain.chainId, pollingIntervalMs: 50, batch: false })
  stops.push(async () => { ethers.destroy() })
  const [curatorAccount, providerAccount] = chain.accounts
  if (curatorAccount === undefined || providerAccount === undefined) {
    throw new Error('the dev chain has too few accounts')
  }
  const curator = new Wallet(curatorAccount.privateKey, ethers)
  const provider = new Wallet(providerAccount.privateKey, ethers)
  const { client: registry } = await deployResourceRegistry(curator, { rpcUrl: chain.rpcUrl })
  await registry.addProvider(provider.address, 'Default provider', 'https://provider.example/provider.json')
  log(`registry: deployed at ${registry.address}, default provider ${provider.address}`)

  // 2. the stand-in device gateway, the discv5 network and the push server, registered by the provider
  const webhook = new WebhookRecorder()
  stops.push(async () => { await webhook.stop() })
  const webhookUrl = await webhook.start()
  log(`gateway: webhook listening at ${webhookUrl}`)
  const bootnode = new Discv5Node({ ...LOCAL_DISCV5, bindHost: HOST })
  stops.push(async () => { await bootnode.stop() })
  await bootnode.start()
  log(`discv5: bootnode ${bootnode.nodeId} on udp ${bootnode.udpPort ?? '?'}`)
  const privateKey = Uint8Array.from(randomBytes(32))
  const dataDir = await mkdtemp(join(tmpdir(), 'rd-push-register-'))
  stops.push(async () => { await rm(dataDir, { recursive: true, force: true }) })
  const server = new ResourceServer({ privateKey, host: HOST, kinds: [pushKind], bootnodes: [bootnode.enr], discv5: LOCAL_DISCV5 })
  const service = new PushService({ server, gateway: new WebhookGateway({ url: webhookUrl, timeoutMs: WEBHOOK_WAIT_MS }) }, { privateKey, dataDir })
  stops.push(async () => { await server.stop() })
  stops.push(async () => { await service.stop() })
  service.addEventListener('push:failed', (event) => {
    log(`server: notification to ${event.detail.notification.deviceToken} failed: ${String(event.detail.error)}`)
  })
  await service.start()
  await server.start()
  const consent = await registry.createNodeConsent(privateKey, { kindId: pushKind.kindId, provider: provider.address })
  await registry.connect(provider).addResource(consent)
  log(`server: push-1 ${server.nodeId} at ${server.multiaddrs[0] ?? '?'}, registered by the default provider`)

  // 3. the client: find, verify, connect
  const container = createResourceContainer({
    plugins: [push()],
    registry: { rpcUrl: chain.rpcUrl, registryAddress: registry.address, defaultProvider: provider.address, pollIntervalMs: 100 },
    modules: [discv5Discovery({ ...LOCAL_DISCV5, bindHost: HOST, bootnodes: [bootnode.enr], passTimeoutMs: DISCOVERY_TIMEOUT_MS })]
  })
  const client = container.get(ResourceClient)
  stops.push(async () => { await client.stop() })
  await client.start()
  const host = new ClientHost({ dialTimeoutMs: 5000, requestTimeoutMs: 5000 })
  stops.push(async () => { await host.stop() })
  await host.start()
  let connected: ConnectResult<PushClient> | undefined
  for (let attempt = 1; connected === undefined; attempt++) {
    try {
      connected = await client.connect('push', pushConnector(host), { discoveryTimeoutMs: DISCOVERY_TIMEOUT_MS })
    } catch (err) {
      // no push server discovered yet: its ad may not be placed; anything else is a failure
      if (!(err instanceof Error && err.name === 'NoTrustedResourceError') || attempt >= MAX_CONNECTS) throw err
      log(`client: connect ${attempt} found no verified push server yet`)
    }
  }
  const { verdict, client: pushClient } = connected
  log(`client: connected to push-1 ${verdict.resource.nodeId} at ${verdict.resource.multiaddrs[0] ?? '?'} verified: ${verdict.reason}`)

  // 4. register the device, hand the server an envelope on a followed topic, watch the webhook
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

  // 5. unregister, then a second envelope on the same topic reaches nobody
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
  for (const stop of stops.reverse()) {
    await stop()
  }
}
log(`stopped everything after ${elapsed()}`)
