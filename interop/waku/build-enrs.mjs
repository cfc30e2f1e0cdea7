/**
 * Builds and signs ENRs with @waku/enr: EnrCreator.fromPublicKey, then its
 * setters (waku2, multiaddrs, ip, tcp), the relay shard field set raw with
 * @waku/utils encodeRelayShard (js-waku's own codec; it writes the rsv bit
 * vector once there are 64 shards or more, which goes under `rsv`, else `rs`),
 * and EnrEncoder.toString to sign (see the import below).
 *
 * stdin:  [{"privateKeyHex", "waku2": {relay, store, filter, lightPush}, "multiaddrs": string[],
 *           "shardInfo"?: {clusterId, shards}, "ip"?, "tcp"?}, ...]
 * stdout: {"enrs": ["enr:...", ...]} in the same order.
 */
import { createECDH } from 'node:crypto'
import { multiaddr } from '@multiformats/multiaddr'
import { EnrCreator } from '@waku/enr'
import { encodeRelayShard } from '@waku/utils'
import { expectInput, runScript } from './lib/json-io.mjs'

// @waku/enr signs and encodes with its EnrEncoder, which its index does not
// export (its `exports` map has "." only); a file URL import is not bound by
// that map, and it is the same module instance the package's index uses.
const { EnrEncoder } = await import(new URL('./node_modules/@waku/enr/dist/encoder.js', import.meta.url).href)

/** The length of an encoded relay shard field in the bit-vector (rsv) form. */
const RSV_LENGTH_BYTES = 130

async function buildOne (spec, index) {
  const where = `entry ${index}`
  expectInput(typeof spec?.privateKeyHex === 'string' && /^(0x)?[0-9a-fA-F]{64}$/.test(spec.privateKeyHex), `${where}: privateKeyHex must be 32 bytes of hex`)
  expectInput(typeof spec.waku2 === 'object' && spec.waku2 !== null, `${where}: waku2 must be {relay, store, filter, lightPush}`)
  expectInput(Array.isArray(spec.multiaddrs) && spec.multiaddrs.every((ma) => typeof ma === 'string'), `${where}: multiaddrs must be string[]`)
  const privateKey = Buffer.from(spec.privateKeyHex.replace(/^0x/, ''), 'hex')
  const ecdh = createECDH('secp256k1')
  ecdh.setPrivateKey(privateKey)
  const publicKey = new Uint8Array(ecdh.getPublicKey(null, 'compressed'))

  const enr = EnrCreator.fromPublicKey(publicKey)
  const { relay = false, store = false, filter = false, lightPush = false } = spec.waku2
  enr.waku2 = { relay, store, filter, lightPush }
  if (spec.multiaddrs.length > 0) enr.multiaddrs = spec.multiaddrs.map((ma) => multiaddr(ma))
  if (spec.shardInfo !== undefined) {
    const encoded = encodeRelayShard(spec.shardInfo)
    enr.set(encoded.length === RSV_LENGTH_BYTES ? 'rsv' : 'rs', encoded)
  }
  if (spec.ip !== undefined) enr.ip = spec.ip
  if (spec.tcp !== undefined) enr.tcp = spec.tcp
  return await EnrEncoder.toString(enr, new Uint8Array(privateKey))
}

await runScript(async (input) => {
  expectInput(Array.isArray(input), 'expected an array of ENR specs')
  const enrs = []
  for (const [index, spec] of input.entries()) enrs.push(await buildOne(spec, index))
  return { enrs }
})
