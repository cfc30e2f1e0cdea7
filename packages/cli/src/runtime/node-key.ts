import { randomBytes } from 'node:crypto'
import { parseNodePrivateKey, type NodePrivateKey } from '@resource-discovery/core'
import { loadRoleKey } from '../config/load-key.js'
import type { CommandContext } from '../commands/command-spec.js'

/** A random secp256k1 key with its identity. */
export function newNodeKey (): NodePrivateKey {
  for (;;) {
    try {
      return parseNodePrivateKey(Uint8Array.from(randomBytes(32)))
    } catch {
      // 32 random bytes are not a valid key with a chance of about 2^-128: draw again
    }
  }
}

/**
 * The key a node (server or bootnode) runs on: the node key given
 * (`--node-key-file`, `--key-file`, `--key-env`, `--unsafe-key`), else a
 * fresh one, with a warning that the node's identity will not survive a
 * restart.
 */
export async function nodeKeyOrFresh ({ options, env, output }: CommandContext, what: string): Promise<NodePrivateKey> {
  const key = await loadRoleKey(options, 'node', env, (line) => { output.warn(line) })
  if (key !== undefined) {
    return parseNodePrivateKey(key.privateKey, key.source)
  }
  output.warn(`no node key given: the ${what} runs on a fresh key, so its node id and ENR change at every start; give --node-key-file (\`rdisc keygen --out node.key\` makes one)`)
  return newNodeKey()
}
