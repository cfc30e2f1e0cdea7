/**
 * Loading the registry index: JSON-RPC calls and wall time against the
 * chain's age after the registry's deployment (1,000 blocks on anvil;
 * 20,000 and 20,000,000 through devchain's block-offset proxy) and against
 * the number of registrations (100, 1,000, 10,000), all through a proxy that
 * refuses `eth_getLogs` ranges over 1,000 blocks, as public providers do.
 *
 * - **state load** (the product): `RegistryVerifier.start()`, which reads the
 *   contract's state at one block through the `registrations` paging view.
 * - **log replay** (the baseline, the method the state load replaced):
 *   `eth_getLogs` from the deployment block to the head in 1,000-block
 *   chunks, every event applied to a `RegistryIndex`.
 * - **quorum**: the state load through 3 endpoints that must agree (quorum
 *   2) against 1 endpoint, each endpoint answering 20 ms late, as a distant
 *   provider does.
 *
 * Registrations are sent with automine off and mined 140 to a block, so a
 * chain of 10,000 registrations is still 1,000 blocks old.
 *
 * Run: `npm run bench:registry-sync` (writes bench/results/registry-sync.json).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  decodeRegistryLogs, defineResourceKind, REGISTRY_EVENT_TOPICS, RegistryIndex, RegistryVerifier, RpcClient, type RawLog
} from '@resource-discovery/core'
import { startDevChain, startRpcProxy, type DevChain, type RpcProxy } from '@resource-discovery/devchain'
import { createNodeConsent, createRpcProvider, deployResourceRegistry, resourceRegistryInterface } from '@resource-discovery/registry-admin'
import { keccak256, toUtf8Bytes, Wallet } from 'ethers'
import { median } from './median.js'

const outputPath = join(dirname(fileURLToPath(import.meta.url)), 'results', 'registry-sync.json')

const REGISTRATION_COUNTS = [100, 1_000, 10_000] as const
const AGES = [1_000, 20_000, 20_000_000] as const
const LOG_RANGE_CAP = 1_000
const PROVIDERS = 4
const KINDS = [defineResourceKind({ name: 'mailserver' }), defineResourceKind({ name: 'push' })]
/** Gas limit of a registration of a new node into a listed set (107,827 gas, `npm run bench:gas`). */
const REGISTRATION_GAS_LIMIT = 120_000
/** Gas limit of the first registration of each (provider, kind) set, which also lists the set (214,524 gas). */
const FIRST_OF_SET_GAS_LIMIT = 240_000
/** Registrations sent before each block is mined (their gas limits fill at most 17.8M of the 30M block limit). */
const REGISTRATIONS_PER_BLOCK = 140
const QUORUM_RUNS = 5
const QUORUM_LATENCY_MS = 20
const TARGET_MAX_CALLS = 5
const TARGET_MAX_MS = 1_000
const TARGET_QUORUM_RATIO = 1.5

interface Measurement {
  readonly registrations: number
  readonly age: number
  readonly method: 'state load' | 'log replay'
  readonly calls: number
  readonly refused: number
  readonly ms: number
  readonly indexed: number
}

async function head (chain: DevChain): Promise<number> {
  return Number(BigInt(await chain.request('eth_blockNumber') as string))
}

/** A chain with a registry holding `count` registrations, spread over providers and kinds, `age` blocks after its deployment. */
async function setUpChain (count: number, age: number): Promise<{ chain: DevChain, registry: string, deployedAt: number, trusted: string[] }> {
  const chain = await startDevChain({ accountCount: PROVIDERS + 1 })
  const provider = await createRpcProvider(chain.rpcUrl, { chainId: chain.chainId, pollingIntervalMs: 20, batch: false })
  try {
    const [curator, ...providers] = chain.accounts.map((account) => new Wallet(account.privateKey, provider))
    if (curator === undefined || providers.length < PROVIDERS) {
      throw new Error('the dev chain has too few accounts')
    }
    const { client } = await deployResourceRegistry(curator)
    for (const [index, account] of providers.entries()) {
      await client.addProvider(account.address, `Provider ${index}`, '')
    }
    const deployedAt = await client.deploymentBlock()
    const started = performance.now()
    await chain.request('evm_setAutomine', [false])
    const nonces = await Promise.all(providers.map(async (account) => account.getNonce()))
    const fees = await provider.getFeeData()
    const deadline = BigInt((await provider.getBlock('latest'))?.timestamp ?? 0) + 86_400n
    for (let index = 0; index < count; index++) {
      const account = providers[index % PROVIDERS] as Wallet
      const kind = KINDS[Math.floor(index / PROVIDERS) % KINDS.length] ?? KINDS[0]
      // every node is listed once, so its nonce is 0; the deadline only has to outlast the set-up
      const consent = createNodeConsent(keccak256(toUtf8Bytes(`bench node ${index}`)), { registry: client.address, chainId: chain.chainId, kindId: kind?.kindId ?? '', provider: account.address, nonce: 0n, deadline })
      const raw = await account.signTransaction({
        to: client.address,
        data: resourceRegistryInterface.encodeFunctionData('addResource', [consent.kindId, consent.nodeId, consent.nodePublicKey, consent.nonce, consent.deadline, consent.signature]),
        nonce: (nonces[index % PROVIDERS] as number) + Math.floor(index / PROVIDERS),
        // registration i goes to provider i % PROVIDERS and kind (i / PROVIDERS) % KINDS: the first PROVIDERS x KINDS open the sets
        gasLimit: index < PROVIDERS * KINDS.length ? FIRST_OF_SET_GAS_LIMIT : REGISTRATION_GAS_LIMIT,
        maxFeePerGas: fees.maxFeePerGas,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
        chainId: chain.chainId,
        type: 2
      })
      await chain.request('eth_sendRawTransaction', [raw])
      if ((index + 1) % REGISTRATIONS_PER_BLOCK === 0) {
        await chain.request('evm_mine')
      }
    }
    // mine until every registration is in a block
    const expected = providers.map((_account, index) => (nonces[index] as number) + Math.ceil((count - index) / PROVIDERS))
    for (;;) {
      await chain.request('evm_mine')
      const sent = await Promise.all(providers.map(async (account) => provider.getTransactionCount(account.address, 'latest')))
      if (sent.every((value, index) => value >= (expected[index] as number))) {
        break
      }
    }
    await chain.request('evm_setAutomine', [true])
    const realAge = await head(chain) - deployedAt
    if (realAge > age) {
      throw new Error(`the set-up took ${realAge} blocks, more than the age ${age}`)
    }
    if (realAge < age) {
      await chain.mine(age - realAge)
    }
    process.stderr.write(`${count} registrations on a chain ${age} blocks past the registry in ${Math.round(performance.now() - started)} ms\n`)
    return { chain, registry: client.address, deployedAt, trusted: providers.map((account) => account.address) }
  } finally {
    provider.destroy()
  }
}

/** `RegistryVerifier.start()` through `url`: the product's index load. */
async function stateLoad (urls: readonly string[], registry: string, trusted: readonly string[]): Promise<{ ms: number, indexed: number }> {
  const verifier = new RegistryVerifier({ rpcUrls: urls, registryAddress: registry, trustedProviders: trusted, pollIntervalMs: 3_600_000 })
  const started = performance.now()
  await verifier.start()
  // start() waits for no network (issue 17): the index load is the first sync
  await verifier.firstSync()
  const ms = performance.now() - started
  const { registrations, fresh } = verifier.status()
  await verifier.stop()
  if (!fresh) {
    throw new Error('the state load did not sync')
  }
  return { ms, indexed: registrations }
}

/** The baseline: the registry's logs from its deployment block to the head, 1,000 blocks a call, applied in order. */
async function logReplay (url: string, registry: string, from: number): Promise<{ ms: number, indexed: number }> {
  const rpc = new RpcClient({ rpcUrls: [url] })
  const started = performance.now()
  const latest = await rpc.block('latest')
  const index = new RegistryIndex()
  for (let start = from; start <= (latest?.number ?? 0); start += LOG_RANGE_CAP) {
    const end = Math.min(latest?.number ?? 0, start + LOG_RANGE_CAP - 1)
    const logs = await rpc.request('eth_getLogs', [{ address: registry, fromBlock: `0x${start.toString(16)}`, toBlock: `0x${end.toString(16)}`, topics: [REGISTRY_EVENT_TOPICS] }]) as RawLog[]
    for (const event of decodeRegistryLogs(logs, url)) {
      index.apply(event)
    }
  }
  return { ms: performance.now() - started, indexed: index.size }
}

async function measure (proxy: RpcProxy, method: Measurement['method'], registrations: number, age: number, run: () => Promise<{ ms: number, indexed: number }>): Promise<Measurement> {
  proxy.resetCounts()
  const { ms, indexed } = await run()
  if (indexed !== registrations) {
    throw new Error(`${method} indexed ${indexed} registrations, expected ${registrations}`)
  }
  return { registrations, age, method, calls: proxy.totalRequested, refused: proxy.refusedCalls, ms, indexed }
}

async function main (): Promise<void> {
  const measurements: Measurement[] = []
  const quorum: Array<{ endpoints: number, quorum: number, medianMs: number, runsMs: number[] }> = []
  for (const count of REGISTRATION_COUNTS) {
    const { chain, registry, deployedAt, trusted } = await setUpChain(count, AGES[0])
    try {
      const realHead = await head(chain)
      for (const age of AGES) {
        // the offset proxy adds `age - 1,000` blocks after the real ones: the registry looks `age` blocks old
        const proxy = await startRpcProxy(chain.rpcUrl, { maxLogRange: LOG_RANGE_CAP, blockOffset: age - (realHead - deployedAt) })
        try {
          measurements.push(await measure(proxy, 'state load', count, age, async () => stateLoad([proxy.url], registry, trusted)))
          measurements.push(await measure(proxy, 'log replay', count, age, async () => logReplay(proxy.url, registry, deployedAt)))
        } finally {
          await proxy.stop()
        }
        process.stderr.write(`measured ${count} registrations at age ${age}\n`)
      }
      if (count === 1_000) {
        const proxies = await Promise.all([0, 1, 2].map(async () => startRpcProxy(chain.rpcUrl, { maxLogRange: LOG_RANGE_CAP, latencyMs: QUORUM_LATENCY_MS })))
        try {
          for (const [endpoints, k] of [[1, 1], [3, 2]] as const) {
            const runsMs: number[] = []
            for (let run = 0; run < QUORUM_RUNS; run++) {
              runsMs.push((await stateLoad(proxies.slice(0, endpoints).map((proxy) => proxy.url), registry, trusted)).ms)
            }
            quorum.push({ endpoints, quorum: k, medianMs: median(runsMs), runsMs })
          }
        } finally {
          await Promise.all(proxies.map(async (proxy) => { await proxy.stop() }))
        }
      }
    } finally {
      await chain.stop()
    }
  }

  const pass = (ok: boolean): string => ok ? 'yes' : 'NO'
  console.log(`\nRegistry index load through a ${LOG_RANGE_CAP.toLocaleString('en')}-block eth_getLogs cap\n`)
  console.log('| registrations | blocks since deployment | method | JSON-RPC calls | time | target met (<= 5 calls, < 1 s at 1,000) |')
  console.log('| --: | --: | --- | --: | --: | --- |')
  for (const row of measurements) {
    const target = row.method === 'state load' && row.registrations <= 1_000 ? pass(row.calls <= TARGET_MAX_CALLS && row.ms < TARGET_MAX_MS) : ''
    console.log(`| ${row.registrations.toLocaleString('en')} | ${row.age.toLocaleString('en')} | ${row.method} | ${row.calls.toLocaleString('en')} | ${row.ms < 10_000 ? `${Math.round(row.ms)} ms` : `${(row.ms / 1000).toFixed(1)} s`} | ${target} |`)
  }
  const [one, three] = quorum
  const ratio = one === undefined || three === undefined ? Number.NaN : three.medianMs / one.medianMs
  console.log(`\nState load of 1,000 registrations, each endpoint ${QUORUM_LATENCY_MS} ms away (median of ${QUORUM_RUNS})\n`)
  console.log('| endpoints | quorum | median time | runs |')
  console.log('| --: | --: | --: | --- |')
  for (const row of quorum) {
    console.log(`| ${row.endpoints} | ${row.quorum} | ${Math.round(row.medianMs)} ms | ${row.runsMs.map((ms) => Math.round(ms)).join(', ')} |`)
  }
  console.log(`\n3 endpoints / 1 endpoint: ${ratio.toFixed(2)}x (target <= ${TARGET_QUORUM_RATIO}x: ${pass(ratio <= TARGET_QUORUM_RATIO)})`)

  const results = {
    logRangeCap: LOG_RANGE_CAP,
    measurements,
    quorum: { latencyMs: QUORUM_LATENCY_MS, runs: quorum, ratio },
    targets: { stateLoadMaxCalls: TARGET_MAX_CALLS, stateLoadMaxMsAt1000: TARGET_MAX_MS, quorumMaxRatio: TARGET_QUORUM_RATIO },
    node: process.version,
    measuredAt: new Date().toISOString()
  }
  await mkdir(dirname(outputPath), { recursive: true })
  await writeFile(outputPath, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`\nwrote ${outputPath}`)
}

await main()
