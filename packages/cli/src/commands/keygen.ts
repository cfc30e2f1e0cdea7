import { open } from 'node:fs/promises'
import { computeAddress } from 'ethers'
import { newNodeKey } from '../runtime/node-key.js'
import type { CommandContext } from './command-spec.js'

/** `rdisc keygen --out FILE`: a new secp256k1 key in a file only its owner can read. */
export async function runKeygen ({ options, output }: CommandContext): Promise<void> {
  const path = options.requireString('out')
  const privateKey = newNodeKey()
  const hex = `0x${Buffer.from(privateKey.privateKey).toString('hex')}`
  let file
  try {
    file = await open(path, 'wx', 0o600)
  } catch (err) {
    const code = (err as { code?: unknown }).code
    throw options.invalid('out', code === 'EEXIST' ? `${path} exists; rdisc never overwrites a key file` : `${path} cannot be created (${String(code ?? err)})`, err)
  }
  try {
    await file.writeFile(`${hex}\n`)
  } finally {
    await file.close()
  }
  const identity = { file: path, address: computeAddress(hex), nodeId: privateKey.nodeId, peerId: privateKey.peerId, publicKey: privateKey.publicKey }
  output.result(identity, [
    `wrote a new key to ${path}`,
    `address  ${identity.address}`,
    `node id  ${identity.nodeId}`,
    `peer id  ${identity.peerId}`
  ].join('\n'))
}
