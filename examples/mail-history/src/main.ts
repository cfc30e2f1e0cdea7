/**
 * A client that finds mail servers on discv5, verifies each against the
 * on-chain registry, selects one of those its default provider registered,
 * and reads a conversation's history from it over the encrypted history
 * protocol.
 *
 * The network comes from one `startLocalNetwork` call
 * (`@resource-discovery/devnet`): an anvil dev chain with the registry, a
 * default provider that registered two mail servers (with each node's
 * consent), a third mail server nobody registered, and a discv5 bootnode.
 * The rest of this file is the client side. Everything binds 127.0.0.1 and
 * stops at the end.
 *
 * Run: npm start -w @resource-discovery/example-mail-history
 */
import '@resource-discovery/core/polyfill'
import { ClientHost } from '@resource-discovery/client-host'
import { createResourceContainer, RegistryVerifier, ResourceClient, type FindResult } from '@resource-discovery/core'
import { LOCAL_PASS_TIMEOUT_MS, startLocalNetwork } from '@resource-discovery/devnet'
import { discv5Discovery } from '@resource-discovery/discv5'
import { mailserver, MailserverClient, type Envelope } from '@resource-discovery/plugin-mailserver'
import { mailserverServicePlugin } from '@resource-discovery/plugin-mailserver/server'

/** The provider the client trusts: the application's default provider. */
const DEFAULT_PROVIDER = 'default'
/** Finds tried until every mail server has been discovered (ads take a moment to be placed). */
const MAX_FINDS = 6
const HOUR_MS = 3_600_000

/** The conversation topic (4 bytes, as in Waku v1) and the messages every mail server holds. */
const TOPIC = Uint8Array.of(0x6d, 0x61, 0x69, 0x6c)
const MESSAGES = ['alice: are we still on for friday?', 'bob: yes, 7pm at the usual place', 'alice: great, see you there']

const started = Date.now()
const log = (line: string): void => { console.log(line) }
const elapsed = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`

/** The conversation as envelopes sent a minute apart, the last a minute before `now`. */
function conversation (now: number): Envelope[] {
  return MESSAGES.map((text, index) => ({
    topic: TOPIC,
    payload: new TextEncoder().encode(text),
    timestamp: now - (MESSAGES.length - index) * 60_000,
    expiry: now + HOUR_MS
  }))
}

// the network: the chain, the registry, the default provider, the bootnode and three mail servers
const network = await startLocalNetwork({
  providers: [{ label: DEFAULT_PROVIDER, name: 'Default provider' }],
  servers: [
    { label: 'mail-1', plugin: mailserverServicePlugin, registeredBy: DEFAULT_PROVIDER },
    { label: 'mail-2', plugin: mailserverServicePlugin, registeredBy: DEFAULT_PROVIDER },
    { label: 'unregistered', plugin: mailserverServicePlugin }
  ]
})
const host = new ClientHost({ dialTimeoutMs: 5000, requestTimeoutMs: 5000 })
const container = createResourceContainer({
  plugins: [mailserver()],
  // the registry verifier trusts the default provider; discovery joins discv5 through the bootnode
  registry: network.registryVerifierInit(DEFAULT_PROVIDER),
  modules: [discv5Discovery(network.discv5ClientSettings())]
})
const client = container.get(ResourceClient)
try {
  log(`chain: anvil at ${network.rpcUrl} (chain id ${network.chainId})`)
  log(`registry: deployed at ${network.registryAddress}, default provider ${network.provider(DEFAULT_PROVIDER).address}`)
  log(`discv5: bootnode ${network.bootnode.nodeId} on udp ${network.bootnode.udpPort ?? '?'}`)
  const labels = new Map(network.servers.map((server) => [server.nodeId, server.label]))

  // 1. someone wrote on the topic: every mail server holds the conversation, sent over the store protocol
  await host.start()
  const envelopes = conversation(Date.now())
  for (const server of network.servers) {
    await new MailserverClient({ host, resource: server.toResource() }).storeEnvelopes(envelopes)
    const registeredBy = server.registeredBy === undefined ? 'not registered' : `registered by the ${server.registeredBy} provider`
    log(`server: ${server.label} ${server.nodeId} at ${server.multiaddrs[0] ?? '?'}, ${envelopes.length} messages stored, ${registeredBy}`)
  }

  // 2. the client: find, verify, select
  await client.start()
  // the registry's index loaded: a rejection then says what the whole registry knows of the server (until then
  // the verifier asks the contract about the trusted providers only)
  await container.get(RegistryVerifier).firstSync()
  let result: FindResult | undefined
  for (let attempt = 1; attempt <= MAX_FINDS; attempt++) {
    // the whole discovery pass (graceMs: Infinity), so that every server's verdict is shown; by default find()
    // selects 100 ms after the first trusted server
    result = await client.find('mailserver', { discoveryTimeoutMs: LOCAL_PASS_TIMEOUT_MS, graceMs: Infinity })
    const found = result.verified.length + result.rejected.length
    log(`client: find ${attempt} discovered ${found} of ${network.servers.length} mail servers`)
    if (found >= network.servers.length) {
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

  // 3. the history of the topic from the selected server, over the encrypted history protocol
  const mail = new MailserverClient({ host, resource: selected.resource })
  const history = []
  for await (const envelope of mail.history({ topics: [TOPIC] })) {
    history.push(envelope)
    log(`message ${new Date(envelope.timestamp).toISOString()} ${new TextDecoder().decode(envelope.payload)}`)
  }
  log(`summary: ${result.verified.length} verified, ${result.rejected.length} rejected, ${history.length} messages from ${selectedLabel} in ${elapsed()}`)
} finally {
  await client.stop()
  await host.stop()
  await network.stop()
}
log(`stopped everything after ${elapsed()}`)
