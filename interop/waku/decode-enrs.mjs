/**
 * Decodes ENRs with @waku/enr (EnrDecoder.fromString, which checks the
 * signature) and reports what it sees.
 *
 * stdin:  {"enrs": ["enr:...", ...]}
 * stdout: {"records": [one per ENR, in order]}, each either
 *   {"enr", "seq", "nodeId", "peerId", "waku2", "multiaddrs", "fullMultiaddrs", "peerInfoMultiaddrs", "rs", "rsv", "shardInfo", "ip", "tcp", "keys"}
 *   or {"enr", "error": {"name", "message"}} when @waku/enr rejects it.
 * - waku2: the booleans @waku/enr decodes ({relay, store, filter, lightPush}; it reads the low 4 bits only), or null.
 * - multiaddrs: the `multiaddrs` field as multiaddr strings (no peer id), or null;
 *   fullMultiaddrs: the same with /p2p/<peer id> (ENR.getFullMultiaddrs());
 *   peerInfoMultiaddrs: what js-waku dials (ENR.peerInfo.multiaddrs): those of ip/tcp, ip/udp,
 *   ip6/tcp6, ip6/udp6, then the multiaddrs field, each with /p2p/<peer id>.
 * - rs, rsv: the raw field decoded by @waku/utils decodeRelayShard ({clusterId, shards}), or null;
 *   shardInfo: ENR.shardInfo (rs, else rsv).
 */
import { EnrDecoder } from '@waku/enr'
import { expectInput, runScript } from './lib/json-io.mjs'

async function decodeOne (enr) {
  let record
  try {
    record = await EnrDecoder.fromString(enr)
  } catch (error) {
    return { enr, error: { name: error.name, message: error.message } }
  }
  const multiaddrs = record.multiaddrs
  return {
    enr,
    seq: record.seq,
    nodeId: record.nodeId ?? null,
    peerId: record.peerId?.toString() ?? null,
    waku2: record.waku2 ?? null,
    multiaddrs: multiaddrs === undefined ? null : multiaddrs.map((ma) => ma.toString()),
    fullMultiaddrs: record.getFullMultiaddrs().map((ma) => ma.toString()),
    peerInfoMultiaddrs: record.peerInfo?.multiaddrs.map((ma) => ma.toString()) ?? [],
    rs: record.rs ?? null,
    rsv: record.rsv ?? null,
    shardInfo: record.shardInfo ?? null,
    ip: record.ip ?? null,
    tcp: record.tcp ?? null,
    keys: [...record.keys()].sort()
  }
}

await runScript(async (input) => {
  expectInput(Array.isArray(input?.enrs) && input.enrs.every((enr) => typeof enr === 'string'), 'expected {"enrs": string[]}')
  const records = []
  for (const enr of input.enrs) records.push(await decodeOne(enr))
  return { records }
})
