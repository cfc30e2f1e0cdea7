/**
 * The whole picture on one machine: a dev chain with the registry contract, a
 * default provider that registers two mail servers (with each node's
 * consent), a third mail server nobody registered, all of them on a discv5
 * network; then a client that finds the mail servers, verifies them against
 * the registry, selects one and fetches its message history over the
 * encrypted history protocol. Everything binds 127.0.0.1 and stops at the end.
 *
 * Run: npm start -w @resource-discovery/example-mail-history
 */
import '@resource-discovery/core/polyfill'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ClientHost } from '@resource-discovery/client-host'
import { createResourceContainer, ResourceClient, type FindResult } from '@resource-discovery/core'
import { startDevChain } from '@resource-discovery/devchain'
import { discv5Discovery, Discv5Node, type Discv5NodeInit } from '@resource-discovery/discv5'
import { mailserver, MailserverClient, mailserverKind, type Envelope } from '@resource-discovery/plugin-mailserver'
import { EnvelopeStore, MailserverService } from '@resource-discovery/plugin-mailserver/server'
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
/** Finds tried until every mail server has been discovered (ads take a moment to be placed). */
const MAX_FINDS = 6
const HOUR_MS = 3_600_000

/** The conversation topic (4 bytes, as in Waku v1) and the messages every mail server holds. */
const TOPIC = Uint8Array.of(0x6d, 0x61, 0x69, 0x6c)
const MESSAGES = ['alice: are we still on for friday?', 'bob: yes, 7pm at the usual place', 'alice: great, see you there']

const started = Date.now()
const stops: Array<() => Promise<void>> = []
const log = (line: string): void => { console.log(line) }
const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`

/** A mail server: its resource server, its mail service and its envelope store in a temp dir. */
interface MailServerNode {
  readonly label: string
  readonly server: ResourceServer
  readonly privateKey: Uint8Array
}

async function startMailServer (label: string, bootnode: string, envelopes: readonly Envelope[]): Promise<MailServerNode> {
  const privateKey = Uint8Array.from(randomBytes(32))
  const dir = await mkdtemp(join(tmpdir(), `rd-mail-history-${label}-`))
  stops.push(async () => { await rm(dir, { recursive: true, force: true }) })
  const store = await EnvelopeStore.open(join(dir, 'envelopes'))
  stops.push(async () => { await store.close() })
  for (const envelope of envelopes) {
    await store.put(envelope)
  }
  const server = new ResourceServer({ privateKey, host: HOST, kinds: [mailserverKind], bootnodes: [bootnode], discv5: LOCAL_DISCV5 })
  const service = new MailserverService({ server, store, privateKey })
  stops.push(async () => { await server.stop() })
  stops.push(async () => { await service.stop() })
  await service.start()
  await server.start()
  return { label, server, privateKey }
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

  // 2. the discv5 network and the mail servers, all holding the same messages
  const bootnode = new Discv5Node({ ...LOCAL_DISCV5, bindHost: HOST })
  stops.push(async () => { await bootnode.stop() })
  await bootnode.start()
  log(`discv5: bootnode ${bootnode.nodeId} on udp ${bootnode.udpPort ?? '?'}`)
  const now = Date.now()
  const envelopes = MESSAGES.map((text, index): Envelope => ({
    topic: TOPIC,
    payload: new TextEncoder().encode(text),
    timestamp: now - (MESSAGES.length - index) * 60_000,
    expiry: now + HOUR_MS
  }))
  const servers = [
    await startMailServer('mail-1', bootnode.enr, envelopes),
    await startMailServer('mail-2', bootnode.enr, envelopes),
    await startMailServer('unregistered', bootnode.enr, envelopes)
  ]
  const labels = new Map(servers.map((node) => [node.server.nodeId, node.label]))
  for (const node of servers) {
    const registered = node.label !== 'unregistered'
    if (registered) {
      const consent = await registry.createNodeConsent(node.privateKey, { kindId: mailserverKind.kindId, provider: provider.address })
      await registry.connect(provider).addResource(consent)
    }
    log(`server: ${node.label} ${node.server.nodeId} at ${node.server.multiaddrs[0] ?? '?'}, ${envelopes.length} messages stored, ${registered ? 'registered by the default provider' : 'not registered'}`)
  }

  // 3. the client: find, verify, select
  const container = createResourceContainer({
    plugins: [mailserver()],
    registry: { rpcUrl: chain.rpcUrl, registryAddress: registry.address, defaultProvider: provider.address, pollIntervalMs: 100 },
    modules: [discv5Discovery({ ...LOCAL_DISCV5, bindHost: HOST, bootnodes: [bootnode.enr], passTimeoutMs: DISCOVERY_TIMEOUT_MS })]
  })
  const client = container.get(ResourceClient)
  stops.push(async () => { await client.stop() })
  await client.start()
  let result: FindResult | undefined
  for (let attempt = 1; attempt <= MAX_FINDS; attempt++) {
    // the whole discovery pass (graceMs: Infinity), so that every server's verdict is shown; by default find()
    // selects 100 ms after the first trusted server
    result = await client.find('mailserver', { discoveryTimeoutMs: DISCOVERY_TIMEOUT_MS, graceMs: Infinity })
    const found = result.verified.length + result.rejected.length
    log(`client: find ${attempt} discovered ${found} of ${servers.length} mail servers`)
    if (found >= servers.length) {
      break
    }
  }
  if (result === undefined) {
    throw new Error('no find ran')
  }
  for (const verdict of [...result.verified, ...result.rejected]) {
    const label = labels.get(verdict.resource.nodeId) ?? 'unknown'
    log(`found ${label} ${verdict.resource.nodeId} ${verdict.trusted ? 'verified' : 'rejected'}: ${verdict.reason}`)
  }
  const { selected } = result
  const selectedLabel = labels.get(selected.resource.nodeId) ?? 'unknown'
  log(`selected ${selectedLabel} ${selected.resource.nodeId} at ${selected.resource.multiaddrs.join(', ')}`)

  // 4. the history of the topic, over the encrypted history protocol
  const host = new ClientHost({ dialTimeoutMs: 5000, requestTimeoutMs: 5000 })
  stops.push(async () => { await host.stop() })
  await host.start()
  const mail = new MailserverClient({ host, resource: selected.resource })
  const history = []
  for await (const envelope of mail.history({ topics: [TOPIC] })) {
    history.push(envelope)
    log(`message ${new Date(envelope.timestamp).toISOString()} ${new TextDecoder().decode(envelope.payload)}`)
  }
  log(`summary: ${result.verified.length} verified, ${result.rejected.length} rejected, ${history.length} messages from ${selectedLabel} in ${elapsed()}`)
} finally {
  for (const stop of stops.reverse()) {
    await stop()
  }
}
log(`stopped everything after ${elapsed()}`)
