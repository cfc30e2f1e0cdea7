/**
 * The cold verification path's ABI work for 10,000 node ids: the calldata of
 * `checkResources(bytes32 kindId, bytes32[] nodeIds, address[] trusted)` and
 * its `address[]` answer, with ethers' generic coder (`Interface`) and with
 * core's own `encodeCheckResources` / `decodeAddressArray`, which the
 * verifier uses. Both give the same bytes and the same addresses (checked
 * here on every run).
 *
 * Target: core's encode and decode together under 100 ms for 10,000 node ids.
 *
 * Run: `npm run bench:abi`. Prints a table and writes
 * `bench/results/abi-codec.json`.
 */
import '@resource-discovery/core/polyfill'
import { mkdir, writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { decodeAddressArray, encodeCheckResources, resourceRegistryAbi } from '@resource-discovery/core'
import { AbiCoder, getAddress, Interface, keccak256, toUtf8Bytes } from 'ethers'
import { median } from './median.js'

const NODE_IDS = 10_000
/** Share of the answer's entries that are a provider (the rest the zero address, as for unregistered nodes). */
const REGISTERED_SHARE = 0.1
const ETHERS_RUNS = 3
const CORE_RUNS = 20
const TARGET_CORE_MS = 100
const outputPath = resolve(dirname(fileURLToPath(import.meta.url)), 'results/abi-codec.json')

/** The median time of `runs` calls of `action`, in ms, and the last result. */
function timed<T> (runs: number, action: () => T): { ms: number, result: T } {
  const times: number[] = []
  let result: T | undefined
  for (let run = 0; run < runs; run++) {
    const started = performance.now()
    result = action()
    times.push(performance.now() - started)
  }
  return { ms: median(times), result: result as T }
}

async function main (): Promise<void> {
  const loadAverageAtStart = Math.round((loadavg()[0] ?? 0) * 10) / 10
  const registry = new Interface(resourceRegistryAbi)
  const kindId = keccak256(toUtf8Bytes('mailserver'))
  const nodeIds = Array.from({ length: NODE_IDS }, (_value, index) => keccak256(toUtf8Bytes(`bench node ${index}`)))
  const trusted = [1, 2, 3].map((index) => getAddress(`0x${index.toString(16).padStart(40, '0')}`))
  const answer = nodeIds.map((_nodeId, index) => index % Math.round(1 / REGISTERED_SHARE) === 0 ? trusted[index % trusted.length] as string : '0x0000000000000000000000000000000000000000')
  const returnData = AbiCoder.defaultAbiCoder().encode(['address[]'], [answer])

  const ethersEncode = timed(ETHERS_RUNS, () => registry.encodeFunctionData('checkResources', [kindId, nodeIds, trusted]))
  const coreEncode = timed(CORE_RUNS, () => encodeCheckResources(kindId, nodeIds, trusted))
  if (coreEncode.result !== ethersEncode.result) {
    throw new Error('encodeCheckResources differs from ethers\' calldata')
  }
  const ethersDecode = timed(ETHERS_RUNS, () => [...(registry.decodeFunctionResult('checkResources', returnData)[0] as string[])])
  const coreDecode = timed(CORE_RUNS, () => decodeAddressArray(returnData))
  const expected = ethersDecode.result.map((address) => address === '0x0000000000000000000000000000000000000000' ? undefined : address)
  if (JSON.stringify(coreDecode.result) !== JSON.stringify(expected)) {
    throw new Error('decodeAddressArray differs from ethers\' decoding')
  }

  const coreTotal = coreEncode.ms + coreDecode.ms
  const results = {
    nodeIds: NODE_IDS,
    registeredShare: REGISTERED_SHARE,
    ethers: { runs: ETHERS_RUNS, encodeMs: ethersEncode.ms, decodeMs: ethersDecode.ms },
    core: { runs: CORE_RUNS, encodeMs: coreEncode.ms, decodeMs: coreDecode.ms },
    target: { coreEncodeAndDecodeMaxMs: TARGET_CORE_MS, met: coreTotal < TARGET_CORE_MS },
    loadAverageAtStart,
    node: process.version,
    measuredAt: new Date().toISOString()
  }
  const ms = (value: number): string => `${value.toLocaleString('en', { maximumFractionDigits: 1 })} ms`
  console.log(`\ncheckResources ABI work for ${NODE_IDS.toLocaleString('en')} node ids (medians: ethers ${ETHERS_RUNS} runs, core ${CORE_RUNS})\n`)
  console.log('| coder | encode the call | decode the answer |')
  console.log('| --- | --: | --: |')
  console.log(`| ethers ${Interface.name} (generic) | ${ms(ethersEncode.ms)} | ${ms(ethersDecode.ms)} |`)
  console.log(`| core \`encodeCheckResources\` / \`decodeAddressArray\` | ${ms(coreEncode.ms)} | ${ms(coreDecode.ms)} |`)
  console.log(`\ntarget: core under ${TARGET_CORE_MS} ms for both: ${results.target.met ? 'met' : 'NOT met'} (${ms(coreTotal)})`)
  await mkdir(dirname(outputPath), { recursive: true })
  await writeFile(outputPath, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`\nwrote ${outputPath}`)
}

await main()
