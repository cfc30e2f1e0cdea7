/**
 * Failover and revocation times of a watching client, on loopback: real
 * servers (`ResourceServer`, libp2p over TCP), a real anvil chain with the
 * registry, the client's own liveness checks (libp2p ping) and registry
 * verifier.
 *
 * - failover: the selected server is stopped; time from the stop to the
 *   watch's `selection:changed` (liveness checks every 250 ms, 2 failures),
 *   and, started at the same moment, a `withFailover()` echo request that
 *   first tries the stopped server: time to the answer from another one.
 * - revocation: the selected server's registration is removed; with
 *   automine off the removing transaction is mined by hand, and the time is
 *   taken from the moment the block is mined to `selection:changed`
 *   (registry polled every 500 ms).
 *
 * Targets: failover under 1 s; revocation within one block plus 1 s.
 *
 * Run: `npx tsx --conditions=@resource-discovery/source bench/failover-revocation.ts`.
 * Prints a table and writes `bench/results/failover-revocation.json`.
 */
import '@resource-discovery/core/polyfill'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ClientHost, PingLatencyProbe } from '@resource-discovery/client-host'
import {
  createResourceContainer, defineResourceKind, KindSelector, LatencyProbe, ResourceClient, ResourceKindContribution, StickyFailoverSelector, withFailover, type ResourceConnector, type TrustedVerdict
} from '@resource-discovery/core'
import { startDevChain, type DevChain } from '@resource-discovery/devchain'
import { createRpcProvider, deployResourceRegistry, type ResourceRegistryClient } from '@resource-discovery/registry-admin'
import { ResourceServer } from '@resource-discovery/server'
import { nextClientEvent } from '@resource-discovery/testkit'
import { Wallet } from 'ethers'
import { ContainerModule } from 'inversify'

const RUNS = Number(process.env.BENCH_RUNS ?? 7)
const SERVERS = 3
const LIVENESS_INTERVAL_MS = 250
const LIVENESS_TIMEOUT_MS = 500
const LIVENESS_FAILURES = 2
const POLL_INTERVAL_MS = 500
const ECHO_PROTOCOL = '/rd-bench/echo/1.0.0'
const echo = defineResourceKind({ name: 'echo', protocols: [ECHO_PROTOCOL] })
const outputPath = resolve(dirname(fileURLToPath(import.meta.url)), 'results/failover-revocation.json')

interface Stats { median: number, min: number, max: number, runs: number[] }

function stats (values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? sorted[middle] as number : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
  const round = (value: number): number => Math.round(value * 10) / 10
  return { median: round(median), min: round(sorted[0] ?? NaN), max: round(sorted.at(-1) ?? NaN), runs: values.map(round) }
}

interface Registry { chain: DevChain, registry: ResourceRegistryClient, alice: Wallet, stop: () => Promise<void> }

async function startRegistry (): Promise<Registry> {
  const chain = await startDevChain({ accountCount: 2 })
  const provider = await createRpcProvider(chain.rpcUrl, { chainId: chain.chainId, pollingIntervalMs: 20, batch: false })
  const [curator, alice] = chain.accounts.map((account) => new Wallet(account.privateKey, provider))
  if (curator === undefined || alice === undefined) throw new Error('the dev chain has too few accounts')
  const { client: registry } = await deployResourceRegistry(curator)
  await registry.addProvider(alice.address, 'Alice', 'https://alice.example/provider.json')
  return { chain, registry, alice, stop: async () => { provider.destroy(); await chain.stop() } }
}

/** Starts a server on a fresh key and registers it (alice vouches). */
async function registeredServer (setup: Registry): Promise<ResourceServer> {
  const key = Wallet.createRandom().privateKey
  const server = new ResourceServer({ privateKey: key, kinds: [echo], discv5: { registrar: false, bootstrapLookup: false, requestTimeoutMs: 500 } })
  await server.handle(ECHO_PROTOCOL, async (stream) => { await stream.write(await stream.read()) })
  await server.start()
  const consent = await setup.registry.createNodeConsent(key, { kindId: echo.kindId, provider: setup.alice.address })
  await setup.registry.connect(setup.alice).addResource(consent)
  return server
}

function watchingClient (setup: Registry, servers: readonly string[], probe?: LatencyProbe): ResourceClient {
  return createResourceContainer({
    servers: servers.map((address) => ({ kind: 'echo', address })),
    registry: { rpcUrl: setup.chain.rpcUrl, registryAddress: setup.registry.address, defaultProvider: setup.alice.address, pollIntervalMs: POLL_INTERVAL_MS },
    client: { livenessIntervalMs: LIVENESS_INTERVAL_MS, livenessTimeoutMs: LIVENESS_TIMEOUT_MS, livenessFailures: LIVENESS_FAILURES, rediscoverIntervalMs: 600_000, reverifyIntervalMs: 600_000 },
    modules: [new ContainerModule(({ bind }) => {
      bind(ResourceKindContribution).toConstantValue(echo)
      bind(KindSelector).toConstantValue({ kind: 'echo', selector: new StickyFailoverSelector() })
      if (probe !== undefined) bind(LatencyProbe).toConstantValue(probe)
    })]
  }).get(ResourceClient)
}

async function failoverRun (setup: Registry, host: ClientHost): Promise<{ selectionMs: number, requestMs: number, attempts: number, reason: string }> {
  const servers: ResourceServer[] = []
  for (let index = 0; index < SERVERS; index++) {
    // one after another: alice's transactions need their nonces in order
    servers.push(await registeredServer(setup))
  }
  const client = watchingClient(setup, servers.map((server) => server.enr), new PingLatencyProbe(host))
  try {
    await client.start()
    const watch = client.watch('echo')
    await watch.ready()
    const victim = servers.find((server) => server.nodeId === watch.selected?.resource.nodeId)
    if (victim === undefined) throw new Error('nothing selected')
    // land the stop at a random phase of the liveness interval
    await new Promise((resolve) => setTimeout(resolve, LIVENESS_INTERVAL_MS + Math.random() * LIVENESS_INTERVAL_MS))
    let attempts = 0
    const connector: ResourceConnector<TrustedVerdict> = {
      kind: 'echo',
      async connect (verdict, options) { attempts++; await host.connect(verdict.resource, options); return verdict }
    }
    const verified = watch.verified
    // the watch's own change (withFailover emits one too, for the request)
    const changed = nextClientEvent(client, 'selection:changed', { accept: (change) => change.reason.includes('stopped answering'), timeoutMs: 10_000 })
    const stoppedAt = performance.now()
    await victim.stop()
    const request = (async () => {
      await withFailover(client, 'echo', connector, async (verdict, { signal }) => {
        return host.request(verdict.resource, ECHO_PROTOCOL, new TextEncoder().encode('ping'), { signal })
      }, { verified })
      return performance.now() - stoppedAt
    })()
    const change = await changed
    const selectionMs = performance.now() - stoppedAt
    const requestMs = await request
    return { selectionMs, requestMs, attempts, reason: change.reason }
  } finally {
    await client.stop()
    await Promise.all(servers.map(async (server) => { await server.stop() }))
  }
}

async function revocationRuns (setup: Registry): Promise<{ times: number[], reasons: string[] }> {
  // registered identities are enough here: the watch verifies and selects, it does not connect
  const nodes = Array.from({ length: RUNS + 1 }, () => Wallet.createRandom().privateKey)
  const servers: ResourceServer[] = []
  for (const key of nodes) {
    const server = new ResourceServer({ privateKey: key, kinds: [echo], discv5: { registrar: false, bootstrapLookup: false } })
    servers.push(server)
    const consent = await setup.registry.createNodeConsent(key, { kindId: echo.kindId, provider: setup.alice.address })
    await setup.registry.connect(setup.alice).addResource(consent)
  }
  await Promise.all(servers.map(async (server) => { await server.start() }))
  const client = watchingClient(setup, servers.map((server) => server.enr))
  const times: number[] = []
  const reasons: string[] = []
  try {
    await client.start()
    const watch = client.watch('echo')
    await watch.ready()
    for (let run = 0; run < RUNS; run++) {
      const selected = watch.selected
      if (selected === undefined) throw new Error('nothing selected')
      // land the block at a random phase of the registry poll
      await new Promise((resolve) => setTimeout(resolve, Math.random() * POLL_INTERVAL_MS))
      await setup.chain.request('evm_setAutomine', [false])
      const sent = setup.registry.connect(setup.alice).removeResource(echo.kindId, `0x${selected.resource.nodeId}`)
      for (;;) {
        const status = await setup.chain.request('txpool_status') as { pending: string }
        if (BigInt(status.pending) > 0n) break
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      const changed = nextClientEvent(client, 'selection:changed', { timeoutMs: 10_000 })
      await setup.chain.mine(1)
      const minedAt = performance.now()
      await setup.chain.request('evm_setAutomine', [true])
      const change = await changed
      times.push(performance.now() - minedAt)
      reasons.push(change.reason)
      await sent
    }
  } finally {
    await client.stop()
    await Promise.all(servers.map(async (server) => { await server.stop() }))
  }
  return { times, reasons }
}

async function main (): Promise<void> {
  const setup = await startRegistry()
  const host = new ClientHost()
  await host.start()
  try {
    const failovers: Array<Awaited<ReturnType<typeof failoverRun>>> = []
    for (let run = 0; run < RUNS; run++) {
      failovers.push(await failoverRun(setup, host))
      process.stderr.write(`failover run ${run + 1}/${RUNS}\n`)
    }
    const revocation = await revocationRuns(setup)
    const results = {
      date: new Date().toISOString(),
      node: process.version,
      runs: RUNS,
      settings: { servers: SERVERS, livenessIntervalMs: LIVENESS_INTERVAL_MS, livenessTimeoutMs: LIVENESS_TIMEOUT_MS, livenessFailures: LIVENESS_FAILURES, registryPollIntervalMs: POLL_INTERVAL_MS },
      failover: {
        stopToSelectionChangedMs: stats(failovers.map((run) => run.selectionMs)),
        stopToAnswerFromAnotherServerMs: stats(failovers.map((run) => run.requestMs)),
        /** Servers the request was sent to (connect attempts): 2 = the stopped one, then another. */
        requestAttempts: failovers.map((run) => run.attempts),
        exampleReason: failovers[0]?.reason
      },
      revocation: {
        minedToSelectionChangedMs: stats(revocation.times),
        exampleReason: revocation.reasons[0]
      }
    }
    const pass = (ok: boolean): string => ok ? 'pass' : 'FAIL'
    const row = (name: string, value: Stats, target: string, ok: boolean): void => {
      console.log(`| ${name} | ${value.median.toFixed(0)} ms | ${value.min.toFixed(0)} ms | ${value.max.toFixed(0)} ms | ${pass(ok)} (${target}) |`)
    }
    console.log(`\n| measure (${RUNS} runs) | median | min | max | target |`)
    console.log('| --- | --- | --- | --- | --- |')
    row('failover: stop -> selection:changed', results.failover.stopToSelectionChangedMs, '< 1000 ms', results.failover.stopToSelectionChangedMs.max < 1000)
    row('failover: stop -> withFailover answer', results.failover.stopToAnswerFromAnotherServerMs, '< 1000 ms', results.failover.stopToAnswerFromAnotherServerMs.max < 1000)
    row('revocation: block mined -> selection:changed', results.revocation.minedToSelectionChangedMs, '< 1 block + 1000 ms', results.revocation.minedToSelectionChangedMs.max < 1000)
    console.log(`\nfailover reason: ${results.failover.exampleReason}\nrevocation reason: ${results.revocation.exampleReason}`)
    await mkdir(dirname(outputPath), { recursive: true })
    await writeFile(outputPath, `${JSON.stringify(results, null, 2)}\n`)
    console.log(`\nwrote ${outputPath}`)
  } finally {
    await host.stop()
    await setup.stop()
  }
}

await main()
