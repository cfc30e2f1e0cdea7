/**
 * secp256k1 costs behind the Sybil-flood test and the ENR checks, one
 * operation at a time in this process (median of each):
 *
 * - discv5's default crypto (`@noble/secp256k1`, what `@chainsafe/discv5`
 *   11 uses): ECDH (`deriveSecret`), an identity signature, its
 *   verification and a point decompression; their sum for one handshake,
 *   both ends (2 ECDH, 1 signature, 1 verification, 2 decompressions);
 * - the Sybil-flood test's simulation accelerator
 *   (`test/simulation/simulation-crypto.ts`): its ECDH by `@noble/curves`'
 *   variable-time multiplication, for a key met once and for a key with a
 *   precomputed table (met 20 times or more, as a registrar's);
 * - ENR records (`@chainsafe/enr` 5): signing a fresh v4 record
 *   (`SignableENR.encodeTxt`), and core's `decodeEnr` of a fresh record
 *   (decoding and its signature check).
 *
 * No targets: these are the figures docs/SECURITY.md and BENCHMARKS.md
 * quote.
 *
 * Run: `npm run bench:crypto`. Prints a table and writes
 * `bench/results/discv5-crypto.json`.
 */
import '@resource-discovery/core/polyfill'
import { mkdir, writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SignableENR } from '@chainsafe/enr'
import { decodeEnr } from '@resource-discovery/core'
import { acceleratedDiscv5Crypto, type CryptoCounters } from '../test/simulation/simulation-crypto.js'
// not exported through @chainsafe/discv5's "exports": the module discv5 itself reads its crypto from
import { defaultCrypto } from '../node_modules/@chainsafe/discv5/lib/util/crypto.js'
import { median } from './median.js'

const RUNS = 200
/** Uses of one public key after which the accelerator builds its table (its `HOT_AFTER_USES`). */
const HOT_AFTER_USES = 20
const outputPath = resolve(dirname(fileURLToPath(import.meta.url)), 'results/discv5-crypto.json')

/** Median time of `action(index)` over `runs` calls, in ms; `prepare` runs untimed before each. */
function timed<T> (runs: number, prepare: (index: number) => T, action: (input: T) => unknown): number {
  const times: number[] = []
  for (let index = 0; index < runs; index++) {
    const input = prepare(index)
    const started = performance.now()
    action(input)
    times.push(performance.now() - started)
  }
  return median(times)
}

async function main (): Promise<void> {
  const loadAverageAtStart = Math.round((loadavg()[0] ?? 0) * 10) / 10
  const base = defaultCrypto.secp256k1
  const key = (): Uint8Array => base.generatePrivateKey()
  const publicOf = (privateKey: Uint8Array): Uint8Array => base.publicKeyCreate(privateKey)
  const message = (): Uint8Array => crypto.getRandomValues(new Uint8Array(32))
  // warm-up: the first use of each curve library builds its tables
  base.deriveSecret(key(), publicOf(key()))
  base.verify(publicOf(key()), message(), base.sign(message(), key()))

  const ecdh = timed(RUNS, () => ({ own: key(), other: publicOf(key()) }), ({ own, other }) => base.deriveSecret(own, other))
  const sign = timed(RUNS, () => ({ own: key(), digest: message() }), ({ own, digest }) => base.sign(digest, own))
  const verify = timed(RUNS, () => {
    const own = key()
    const digest = message()
    return { publicKey: publicOf(own), digest, signature: base.sign(digest, own) }
  }, ({ publicKey, digest, signature }) => base.verify(publicKey, digest, signature))
  const decompress = timed(RUNS, () => publicOf(key()), (publicKey) => base.publicKeyConvert(publicKey, false))
  const handshake = 2 * ecdh + sign + verify + 2 * decompress

  const counters: CryptoCounters = { ecdhComputed: 0, ecdhShared: 0, verifiedShared: 0, verifiedByDefault: 0, enrVerifiedByDefault: 0 }
  const fast = acceleratedDiscv5Crypto(defaultCrypto, counters).secp256k1
  // a node's own public key is known to the accelerator (memoised when the node made it), as in the simulation
  const nodeKey = (): Uint8Array => {
    const own = key()
    fast.publicKeyCreate(own)
    return own
  }
  const fastEcdh = timed(RUNS, () => ({ own: nodeKey(), other: publicOf(key()) }), ({ own, other }) => fast.deriveSecret(own, other))
  const registrar = publicOf(key())
  for (let use = 0; use < HOT_AFTER_USES; use++) fast.deriveSecret(nodeKey(), registrar)
  const fastHotEcdh = timed(RUNS, nodeKey, (own) => fast.deriveSecret(own, registrar))
  if (counters.ecdhComputed !== 2 * RUNS + HOT_AFTER_USES) {
    throw new Error(`the accelerator computed ${counters.ecdhComputed} products, expected ${2 * RUNS + HOT_AFTER_USES}`)
  }

  const enrSign = timed(RUNS, () => SignableENR.createV4(key(), { ip: new Uint8Array([127, 0, 0, 1]), udp: new Uint8Array([0x76, 0x5f]) }), (enr) => enr.encodeTxt())
  const enrDecode = timed(RUNS, () => SignableENR.createV4(key(), { ip: new Uint8Array([127, 0, 0, 1]), udp: new Uint8Array([0x76, 0x5f]) }).encodeTxt(), (text) => decodeEnr(text))

  const results = {
    runs: RUNS,
    discv5DefaultMs: { ecdh, sign, verify, decompress, handshakeBothEnds: handshake },
    acceleratorMs: { ecdh: fastEcdh, ecdhPrecomputedKey: fastHotEcdh },
    enrMs: { sign: enrSign, decodeEnr: enrDecode },
    loadAverageAtStart,
    node: process.version,
    measuredAt: new Date().toISOString()
  }
  const ms = (value: number): string => `${value.toFixed(2)} ms`
  console.log(`\nsecp256k1 operations, median of ${RUNS} each\n`)
  console.log('| operation | time |')
  console.log('| --- | --: |')
  console.log(`| discv5 default: ECDH (\`deriveSecret\`) | ${ms(ecdh)} |`)
  console.log(`| discv5 default: identity signature | ${ms(sign)} |`)
  console.log(`| discv5 default: signature verification | ${ms(verify)} |`)
  console.log(`| discv5 default: point decompression | ${ms(decompress)} |`)
  console.log(`| discv5 default: one handshake, both ends (2 ECDH, 1 signature, 1 verification, 2 decompressions) | ${ms(handshake)} |`)
  console.log(`| accelerator: ECDH, a key met once | ${ms(fastEcdh)} |`)
  console.log(`| accelerator: ECDH, a key with a precomputed table | ${ms(fastHotEcdh)} |`)
  console.log(`| ENR: sign a fresh v4 record | ${ms(enrSign)} |`)
  console.log(`| ENR: core \`decodeEnr\` of a fresh record | ${ms(enrDecode)} |`)
  await mkdir(dirname(outputPath), { recursive: true })
  await writeFile(outputPath, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`\nwrote ${outputPath}`)
}

await main()
