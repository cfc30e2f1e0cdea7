import { join } from 'node:path'
import {
  delay,
  identityFromPeerId,
  InvalidConfigurationError,
  LatencyProbe,
  throwIfAborted,
  toAbortError,
  type ResourceClient,
  type Verdict
} from '@resource-discovery/core'
import { Daemon, type SelectionView } from '@resource-discovery/daemon'
import { describeProgress, startLocalNetwork, type LocalNetwork, type LocalServer } from '@resource-discovery/devnet'
import { discv5Discovery } from '@resource-discovery/discv5'
import { ClientHost, PingLatencyProbe } from '@resource-discovery/client-host'
import { mailserver, MailserverClient, mailserverKind } from '@resource-discovery/plugin-mailserver'
import { push, pushKind } from '@resource-discovery/plugin-push'
import { ContainerModule } from 'inversify'
import { chainStartFailure } from '../commands/chain-failure.js'
import { DEMO_PROVIDERS, DEMO_SERVERS, DEMO_TOPIC, DEMO_TRUSTED_PROVIDER, demoEnvelopes } from './demo-network.js'
import type { DemoMessage, DemoOptions, DemoReport, DemoSelection, DemoServerReport, DemoTimings } from './demo-report.js'
import { renderDemoReport } from './render-demo-report.js'

// the command imports both from here
export { renderDemoReport }

/** Longest the demo waits for the daemon to discover and judge every server. */
export const DEMO_DISCOVERY_TIMEOUT_MS = 15_000
/** How often the demo looks at the daemon's watches while it waits. */
const WATCH_POLL_INTERVAL_MS = 20
/** Pause between two discovery passes of the daemon's watches (core's default, 30 s, is made for a long-lived daemon). */
const DEMO_REDISCOVER_INTERVAL_MS = 1000
/** Bounds on the demo client's connection and requests. */
const DIAL_TIMEOUT_MS = 5000
const REQUEST_TIMEOUT_MS = 5000
/** The kinds the demo watches, in the order they are reported. */
const KINDS = [mailserverKind.name, pushKind.name] as const

/** A verdict, and when the demo first saw it in the daemon's watch (ms since the epoch). */
interface Sighting {
  verdict: Verdict
  readonly judgedAt: number
}

/** What has to be stopped, newest last. */
type Stop = () => Promise<void>

/** Prints progress lines with the time since the demo started. */
class ProgressLog {
  readonly startedAt = Date.now()
  readonly #progress: (line: string) => void

  constructor (progress: (line: string) => void) {
    this.#progress = progress
  }

  /** One progress line, stamped with the elapsed time. */
  step (text: string): void {
    const seconds = ((Date.now() - this.startedAt) / 1000).toFixed(1)
    this.#progress(`${seconds.padStart(5)} s  ${text}`)
  }

  /** Lines passed on as they are (the report, the commands to try). */
  raw (text: string): void {
    this.#progress(text)
  }
}

/** `text` with every provider address in it replaced by the provider's label. */
function withLabels (text: string, network: LocalNetwork): string {
  let labelled = text
  for (const provider of network.providers.values()) {
    labelled = labelled.split(provider.address).join(provider.label).split(provider.address.toLowerCase()).join(provider.label)
  }
  return labelled
}

function labelOf (nodeId: string, network: LocalNetwork): string {
  return network.servers.find((server) => server.nodeId === nodeId)?.label ?? nodeId.slice(0, 8)
}

/**
 * Why a server was judged as it was, in the demo's terms: the verifier's
 * reason (which names the untrusted providers that registered a rejected
 * server) with provider addresses shown as their labels. The progress line
 * and the report's table both show this.
 */
function explain (verdict: Verdict, network: LocalNetwork): string {
  return withLabels(verdict.reason, network)
}

/** The labels of the providers that registered `server` for its kind, from the registry contract. */
async function registrationsOf (server: LocalServer, network: LocalNetwork, signal: AbortSignal | undefined): Promise<string[]> {
  const providers = [...network.providers.values()]
  const registered = await Promise.all(providers.map(async (provider) => network.registry.isRegistered(server.kind.kindId, `0x${server.nodeId}`, provider.address, signal === undefined ? {} : { signal })))
  return providers.filter((_provider, index) => registered[index] === true).map((provider) => provider.label)
}

/**
 * Waits until the daemon's watches hold a verdict on every server of the
 * network, or {@link DEMO_DISCOVERY_TIMEOUT_MS} passed; reports each verdict
 * as it appears.
 */
async function awaitVerdicts (client: ResourceClient, network: LocalNetwork, log: ProgressLog, signal: AbortSignal | undefined): Promise<Map<string, Sighting>> {
  const sightings = new Map<string, Sighting>()
  const expected = new Set(network.servers.map((server) => server.nodeId))
  const watches = KINDS.map((kind) => client.watch(kind))
  const deadline = Date.now() + DEMO_DISCOVERY_TIMEOUT_MS
  for (;;) {
    for (const watch of watches) {
      for (const verdict of [...watch.verified, ...watch.rejected]) {
        const known = sightings.get(verdict.resource.nodeId)
        const label = labelOf(verdict.resource.nodeId, network)
        const judgement = `${verdict.trusted ? 'verified' : 'rejected'}: ${explain(verdict, network)}`
        if (known !== undefined) {
          // verified again with another outcome or source, e.g. on chain first, then from the registry index once it loaded
          if (known.verdict.trusted !== verdict.trusted || known.verdict.reason !== verdict.reason) {
            log.step(`daemon: ${label} (${verdict.resource.kind}) ${verdict.resource.nodeId.slice(0, 8)} verified again, ${judgement}`)
          }
          known.verdict = verdict
          continue
        }
        sightings.set(verdict.resource.nodeId, { verdict, judgedAt: Date.now() })
        log.step(`daemon: ${label} (${verdict.resource.kind}) ${verdict.resource.nodeId.slice(0, 8)} discovered on ${verdict.resource.origin}, ${judgement}`)
      }
    }
    if ([...expected].every((nodeId) => sightings.has(nodeId)) || Date.now() >= deadline) {
      return sightings
    }
    await delay(WATCH_POLL_INTERVAL_MS, signal === undefined ? {} : { signal })
  }
}

/** Asks the daemon's HTTP API for the selection of `kind`, as an app would; `undefined` when it has none. */
async function askSelection (daemonUrl: string, kind: string, signal: AbortSignal | undefined): Promise<{ view?: SelectionView, requestMs: number }> {
  const startedAt = performance.now()
  const response = await fetch(`${daemonUrl}/v1/kinds/${kind}/selection`, signal === undefined ? {} : { signal })
  const body: unknown = await response.json()
  const requestMs = performance.now() - startedAt
  return response.ok ? { view: body as SelectionView, requestMs } : { requestMs }
}

/** Fetches the topic's history from the selected mail server over the encrypted history protocol. */
async function fetchHistory (host: ClientHost, selected: SelectionView['selected'], signal: AbortSignal | undefined): Promise<DemoMessage[]> {
  // the API gives the peer id: its key is the one the connection must prove and the history request is encrypted to
  const { publicKey } = identityFromPeerId(selected.peerId)
  const mail = new MailserverClient({ host, resource: { peerId: selected.peerId, publicKey, multiaddrs: selected.multiaddrs } })
  const decoder = new TextDecoder()
  const messages: DemoMessage[] = []
  for await (const envelope of mail.history({ topics: [DEMO_TOPIC] }, signal === undefined ? {} : { signal })) {
    messages.push({ timestamp: envelope.timestamp, text: decoder.decode(envelope.payload) })
  }
  return messages
}

/** The lines `keepRunning` prints: where everything is and what to try. */
function tryItLines (network: LocalNetwork, daemonUrl: string): string[] {
  const addresses = [...network.providers.values()].map((provider) => provider.address)
  return [
    '',
    'Everything keeps running until interrupted (Ctrl-C):',
    '',
    `  web page   ${daemonUrl}/   (servers, verdicts and selection live; choose whom to trust; add your own servers)`,
    `  daemon     ${daemonUrl}`,
    `  chain      ${network.rpcUrl} (chain id ${network.chainId})`,
    `  registry   ${network.registryAddress}`,
    `  bootnode   ${network.bootnodeEnr}`,
    ...[...network.providers.values()].map((provider) => `  provider   ${provider.label.padEnd(8)} ${provider.address}${provider.label === DEMO_TRUSTED_PROVIDER ? ' (trusted)' : ''}`),
    '',
    'Try:',
    '',
    `  curl -s ${daemonUrl}/v1/kinds/mailserver/selection`,
    `  curl -s '${daemonUrl}/v1/kinds/mailserver/resources?status=rejected'`,
    `  curl -s ${daemonUrl}/v1/kinds`,
    `  curl -sN ${daemonUrl}/v1/events`,
    `  curl -s -X PUT ${daemonUrl}/v1/trust -H 'content-type: application/json' -d '${JSON.stringify({ trustedProviders: addresses })}'   # trust the other provider too: mail-4 turns verified`,
    `  curl -s ${daemonUrl}/healthz`,
    `  curl -s ${daemonUrl}/metrics`
  ]
}

/** Resolves when `signal` aborts. */
async function untilAborted (signal: AbortSignal): Promise<void> {
  if (signal.aborted) {
    return
  }
  await new Promise<void>((resolve) => { signal.addEventListener('abort', () => { resolve() }, { once: true }) })
}

/**
 * The whole picture in one run, on 127.0.0.1: anvil with the registry, a
 * curator, the default provider (trusted) and another one (not trusted), a
 * discv5 bootnode, five mail servers (three registered by the default
 * provider, one by the other, one by nobody) and two push servers, each
 * mail server holding a short conversation; then the daemon discovers,
 * verifies and selects, the app asks the daemon's HTTP API for the
 * selection, and fetches the conversation from the selected mail server
 * over the encrypted history protocol. Everything is stopped before it
 * returns (after the wait, with `keepRunning`).
 *
 * @throws AbortError (core) if `options.signal` aborts before the report is made (everything started is stopped)
 * @throws InvalidConfigurationError (core) for `keepRunning` without a `signal`
 */
export async function runDemo (options: DemoOptions): Promise<DemoReport> {
  const { signal, keepRunning = false } = options
  if (keepRunning && signal === undefined) {
    throw new InvalidConfigurationError('signal', 'keepRunning waits until the signal aborts: pass one (e.g. aborted on Ctrl-C)')
  }
  throwIfAborted(signal)
  const log = new ProgressLog(options.progress)
  const signalOption = signal === undefined ? {} : { signal }
  const stops: Stop[] = []
  let waitedMs = 0
  let report: Omit<DemoReport, 'timings'> & { timings: Omit<DemoTimings, 'totalMs'> }
  try {
    // 1. the network: chain, registry, providers, bootnode, servers
    log.step('starting a local network: anvil, registry, 2 providers, a discv5 bootnode, 5 mail servers, 2 push servers')
    const network = await startLocalNetwork({
      providers: DEMO_PROVIDERS,
      servers: DEMO_SERVERS,
      onProgress: (event) => { log.step(describeProgress(event)) }
    }, signalOption)
    stops.push(async () => { await network.stop() })
    const host = new ClientHost({ dialTimeoutMs: DIAL_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS })
    stops.push(async () => { await host.stop() })
    await host.start()
    const mailServers = network.servers.filter((server) => server.kind.name === mailserverKind.name)
    const envelopes = demoEnvelopes(Date.now())
    await Promise.all(mailServers.map(async (server) => {
      const client = new MailserverClient({ host, resource: server.toResource() })
      await client.storeEnvelopes(envelopes, signalOption)
    }))
    log.step(`seed: ${envelopes.length} messages stored on each of the ${mailServers.length} mail servers over the store protocol`)
    const networkUpMs = Date.now() - log.startedAt

    // 2. the daemon: discover, verify, select
    const daemonStartedAt = Date.now()
    const daemon = new Daemon({
      plugins: [mailserver(), push()],
      registry: network.registryVerifierInit(DEMO_TRUSTED_PROVIDER),
      modules: [
        discv5Discovery(network.discv5ClientSettings()),
        // pings over the demo's libp2p host: the latency the web page shows, and the selection's liveness checks
        new ContainerModule(({ bind }) => { bind(LatencyProbe).toConstantValue(new PingLatencyProbe(host)) })
      ],
      client: { rediscoverIntervalMs: DEMO_REDISCOVER_INTERVAL_MS },
      dataDir: join(network.dataDir, 'daemon'),
      port: 0
    })
    stops.push(async () => { await daemon.stop() })
    await daemon.start()
    log.step(`daemon: listening on ${daemon.url}, watching ${KINDS.join(' and ')}, trusting provider ${DEMO_TRUSTED_PROVIDER}`)
    const sightings = await awaitVerdicts(daemon.client, network, log, signal)
    const sighted = [...sightings.values()]
    const discoveredAt = Math.max(daemonStartedAt, ...sighted.map((sighting) => sighting.verdict.resource.firstSeen))
    const judgedAt = Math.max(discoveredAt, ...sighted.map((sighting) => sighting.judgedAt))
    const complete = network.servers.every((server) => sightings.has(server.nodeId))
    log.step(complete
      ? `daemon: all ${sightings.size} servers discovered and judged`
      : `daemon: only ${sightings.size} of ${network.servers.length} servers discovered within ${DEMO_DISCOVERY_TIMEOUT_MS / 1000} s; going on with those`)

    // 3. the app asks the daemon for the selection of each kind
    const selectionStartedAt = Date.now()
    const selections: DemoSelection[] = []
    let mailSelection: SelectionView | undefined
    for (const kind of KINDS) {
      const { view, requestMs } = await askSelection(daemon.url, kind, signal)
      if (view === undefined) {
        log.step(`app: GET /v1/kinds/${kind}/selection: no trusted server`)
        continue
      }
      const label = labelOf(view.selected.nodeId, network)
      const provider = withLabels(view.selected.provider ?? '-', network)
      selections.push({ kind, label, nodeId: view.selected.nodeId, multiaddr: view.selected.multiaddrs[0] ?? '', provider, reason: view.reason, requestMs })
      log.step(`app: GET /v1/kinds/${kind}/selection -> ${label} ${view.selected.nodeId.slice(0, 8)}, vouched for by ${provider} (${Math.round(requestMs)} ms)`)
      if (kind === mailserverKind.name) {
        mailSelection = view
      }
    }
    const selectionMs = Date.now() - selectionStartedAt

    // 4. the conversation, from the selected mail server, encrypted
    const fetchStartedAt = Date.now()
    const messages = mailSelection === undefined ? [] : await fetchHistory(host, mailSelection.selected, signal)
    const fetchMs = Date.now() - fetchStartedAt
    const messagesFrom = mailSelection === undefined ? undefined : labelOf(mailSelection.selected.nodeId, network)
    if (messagesFrom !== undefined) {
      log.step(`app: ${messages.length} messages fetched from ${messagesFrom} over the encrypted history protocol`)
    }

    // the report: who registered each server, read back from the registry
    const selectedIds = new Set(selections.map((selection) => selection.nodeId))
    const servers = await Promise.all(network.servers.map(async (server): Promise<DemoServerReport> => {
      const registeredBy = await registrationsOf(server, network, signal)
      const sighting = sightings.get(server.nodeId)
      const base = { label: server.label, kind: server.kind.name, nodeId: server.nodeId, registeredBy, selected: selectedIds.has(server.nodeId) }
      if (sighting === undefined) {
        return { ...base, verdict: 'not found', reason: `not discovered within ${DEMO_DISCOVERY_TIMEOUT_MS / 1000} s` }
      }
      const { verdict } = sighting
      return {
        ...base,
        verdict: verdict.trusted ? 'verified' : 'rejected',
        reason: explain(verdict, network),
        verifierReason: verdict.reason,
        ...(verdict.rejection === undefined ? {} : { rejectionCode: verdict.rejection.code }),
        discoveredAfterMs: Math.max(0, verdict.resource.firstSeen - daemonStartedAt),
        judgedAfterMs: Math.max(0, sighting.judgedAt - daemonStartedAt)
      }
    }))
    report = {
      servers,
      complete,
      selections,
      ...(messagesFrom === undefined ? {} : { messagesFrom }),
      messages,
      timings: {
        networkUpMs,
        discoveryMs: discoveredAt - daemonStartedAt,
        verificationMs: judgedAt - discoveredAt,
        selectionMs,
        fetchMs
      },
      network: {
        rpcUrl: network.rpcUrl,
        chainId: network.chainId,
        registryAddress: network.registryAddress,
        bootnodeEnr: network.bootnodeEnr,
        daemonUrl: daemon.url,
        providers: [...network.providers.values()].map((provider) => ({ label: provider.label, name: provider.name, address: provider.address, trusted: provider.label === DEMO_TRUSTED_PROVIDER }))
      }
    }

    if (keepRunning && signal !== undefined) {
      log.raw(['', renderDemoReport({ ...report, timings: { ...report.timings, totalMs: Date.now() - log.startedAt } }), ...tryItLines(network, daemon.url)].join('\n'))
      const waitStartedAt = Date.now()
      await untilAborted(signal)
      waitedMs = Date.now() - waitStartedAt
    }
  } catch (err) {
    await stopAll(stops, log)
    // anvil that cannot start: say so, not devchain's advice about startDevChain's options
    throw signal?.aborted === true ? toAbortError(signal) : chainStartFailure(err) ?? err
  }
  const stopStartedAt = Date.now()
  log.step('stopping the daemon, the servers, the bootnode and anvil')
  await stopAll(stops, log)
  const stopMs = Date.now() - stopStartedAt
  const totalMs = Date.now() - log.startedAt - waitedMs
  log.step(`stopped everything; the demo took ${(totalMs / 1000).toFixed(1)} s`)
  return { ...report, timings: { ...report.timings, stopMs, totalMs } }
}

/** Runs `stops` newest first, each even if an earlier one failed (which is logged). */
async function stopAll (stops: Stop[], log: ProgressLog): Promise<void> {
  for (const stop of stops.reverse()) {
    try {
      await stop()
    } catch (err) {
      // stopping goes on: what is left has to be stopped too
      log.step(`stop: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  stops.length = 0
}
