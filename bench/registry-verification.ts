/**
 * Registry verification of 10,000 resources against a real anvil chain:
 * JSON-RPC calls made (counted by a proxy in front of the node) and time,
 * cold (no index: the contract's batch view) and warm (index synced from the
 * contract's events).
 *
 * Targets: at most 2 calls cold, 0 warm; warm verification of at least
 * 1,000,000 resources per second.
 *
 * Run: `npm run bench:verification`. Prints a table and writes
 * `bench/results/registry-verification.json`.
 */
import '@resource-discovery/core/polyfill'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineResourceKind, RegistryVerifier, type Resource } from '@resource-discovery/core'
import { startDevChain, startRpcProxy } from '@resource-discovery/devchain'
import { createRpcProvider, deployResourceRegistry } from '@resource-discovery/registry-admin'
import { keccak256, toUtf8Bytes, Wallet } from 'ethers'
import { median } from './median.js'

const RESOURCES = 10_000
/** How many of them a trusted provider registered on chain. */
const REGISTERED = Number(process.env.BENCH_REGISTERED ?? 1_000)
const COLD_RUNS = 5
const WARM_RUNS = 50
const outputPath = resolve(dirname(fileURLToPath(import.meta.url)), 'results/registry-verification.json')
const kind = defineResourceKind({ name: 'mailserver' })

/** A resource as the verifier sees it: only the node id and kind matter to it. */
function resourceOf (nodeId: string): Resource {
  return { kind: kind.name, nodeId, publicKey: '', peerId: '', multiaddrs: [], origin: 'bench', firstSeen: 0, lastSeen: 0 }
}

async function main (): Promise<void> {
  const chain = await startDevChain({ accountCount: 2 })
  const proxy = await startRpcProxy(chain.rpcUrl)
  const provider = await createRpcProvider(chain.rpcUrl, { chainId: chain.chainId, pollingIntervalMs: 20, batch: false })
  try {
    const [curator, alice] = chain.accounts.map((account) => new Wallet(account.privateKey, provider))
    if (curator === undefined || alice === undefined) {
      throw new Error('the dev chain has too few accounts')
    }
    const { client: registry } = await deployResourceRegistry(curator)
    await registry.addProvider(alice.address, 'Alice', 'https://alice.example/provider.json')
    const asAlice = registry.connect(alice)
    const registered: Resource[] = []
    const setupStarted = performance.now()
    for (let index = 0; index < REGISTERED; index++) {
      const consent = await registry.createNodeConsent(keccak256(toUtf8Bytes(`bench node ${index}`)), { kindId: kind.kindId, provider: alice.address })
      await asAlice.addResource(consent)
      registered.push(resourceOf(consent.nodeId.slice(2)))
    }
    process.stderr.write(`registered ${REGISTERED} nodes in ${Math.round(performance.now() - setupStarted)} ms\n`)
    const unregistered = Array.from({ length: RESOURCES - REGISTERED }, (_value, index) => resourceOf(keccak256(toUtf8Bytes(`unregistered ${index}`)).slice(2)))
    const batch = [...registered, ...unregistered]

    const init = { rpcUrl: proxy.url, registryAddress: registry.address, defaultProvider: alice.address, pollIntervalMs: 3_600_000 }

    // cold: a verifier that was never started has no index and asks the contract
    const cold: Array<{ calls: number, ms: number, trusted: number }> = []
    for (let run = 0; run < COLD_RUNS; run++) {
      const verifier = new RegistryVerifier(init)
      proxy.resetCounts()
      const started = performance.now()
      const verdicts = await verifier.verify(kind, batch)
      cold.push({ calls: proxy.totalCalls, ms: performance.now() - started, trusted: verdicts.filter((verdict) => verdict.trusted).length })
    }

    // index load: start() reads the registry's events once
    const verifier = new RegistryVerifier(init)
    proxy.resetCounts()
    const loadStarted = performance.now()
    await verifier.start()
    const load = { calls: proxy.totalCalls, ms: performance.now() - loadStarted, registrations: verifier.status().registrations }

    // warm: the index answers alone
    const warm: Array<{ calls: number, ms: number, trusted: number }> = []
    try {
      for (let run = 0; run < WARM_RUNS; run++) {
        proxy.resetCounts()
        const started = performance.now()
        const verdicts = await verifier.verify(kind, batch)
        warm.push({ calls: proxy.totalCalls, ms: performance.now() - started, trusted: verdicts.filter((verdict) => verdict.trusted).length })
      }
    } finally {
      await verifier.stop()
    }

    for (const run of [...cold, ...warm]) {
      if (run.trusted !== REGISTERED) {
        throw new Error(`a run trusted ${run.trusted} resources, expected ${REGISTERED}`)
      }
    }
    const coldMs = median(cold.map((run) => run.ms))
    const warmMs = median(warm.map((run) => run.ms))
    const results = {
      resources: RESOURCES,
      registered: REGISTERED,
      cold: { runs: COLD_RUNS, maxCalls: Math.max(...cold.map((run) => run.calls)), medianMs: coldMs, resourcesPerSecond: RESOURCES / coldMs * 1000 },
      indexLoad: load,
      warm: { runs: WARM_RUNS, maxCalls: Math.max(...warm.map((run) => run.calls)), medianMs: warmMs, resourcesPerSecond: RESOURCES / warmMs * 1000 },
      targets: { coldMaxCalls: 2, warmMaxCalls: 0, warmMinResourcesPerSecond: 1_000_000 },
      node: process.version,
      measuredAt: new Date().toISOString()
    }
    const pass = (ok: boolean): string => ok ? 'yes' : 'NO'
    console.log(`\nRegistry verification of ${RESOURCES.toLocaleString('en')} resources (${REGISTERED.toLocaleString('en')} registered by the trusted provider)\n`)
    console.log('| mode | JSON-RPC calls | median time | resources/s | target met |')
    console.log('| --- | --: | --: | --: | --- |')
    console.log(`| cold (batch view, ${COLD_RUNS} runs) | ${results.cold.maxCalls} | ${coldMs.toFixed(1)} ms | ${Math.round(results.cold.resourcesPerSecond).toLocaleString('en')} | ${pass(results.cold.maxCalls <= 2)} (<= 2 calls) |`)
    console.log(`| index load (start) | ${load.calls} | ${load.ms.toFixed(1)} ms | | |`)
    console.log(`| warm (index, ${WARM_RUNS} runs) | ${results.warm.maxCalls} | ${warmMs.toFixed(2)} ms | ${Math.round(results.warm.resourcesPerSecond).toLocaleString('en')} | ${pass(results.warm.maxCalls === 0 && results.warm.resourcesPerSecond >= 1_000_000)} (0 calls, >= 1,000,000/s) |`)
    await mkdir(dirname(outputPath), { recursive: true })
    await writeFile(outputPath, `${JSON.stringify(results, null, 2)}\n`)
    console.log(`\nwrote ${outputPath}`)
  } finally {
    provider.destroy()
    await proxy.stop()
    await chain.stop()
  }
}

await main()
