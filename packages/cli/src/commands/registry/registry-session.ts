import type { RegistryTransaction, ResourceRegistryClient } from '@resource-discovery/registry-admin'
import { Wallet } from 'ethers'
import { requireRoleKey, type KeyRole } from '../../config/load-key.js'
import { openRegistry, openRpc, type OpenRpc } from '../../runtime/open-registry.js'
import type { CommandContext } from '../command-spec.js'

/** What a registry command works with: the chain, the registry, and the signing account if it signs. */
export interface RegistrySession {
  readonly rpc: OpenRpc
  readonly registry: ResourceRegistryClient
  /** The account transactions are sent from, when the command signs. */
  readonly account?: string
}

/**
 * Runs `body` with the registry at `--registry` on `--rpc-url`, signing as
 * `role` if given (its key from the role's key options), and releases the
 * connection afterwards.
 */
export async function withRegistry<T> (context: CommandContext, role: KeyRole | undefined, body: (session: RegistrySession) => Promise<T>): Promise<T> {
  const { options, env, output, signal } = context
  const key = role === undefined ? undefined : await requireRoleKey(options, role, env, (line) => { output.warn(line) })
  const rpc = await openRpc(options, signal)
  try {
    const registry = await openRegistry(options, rpc, key?.privateKey, signal)
    const account = key === undefined ? undefined : new Wallet(key.privateKey).address
    return await body({ rpc, registry, ...(account === undefined ? {} : { account }) })
  } finally {
    rpc.provider.destroy()
  }
}

/** A mined transaction as `--json` shows it. */
export function transactionJson (transaction: RegistryTransaction): Record<string, unknown> {
  return {
    hash: transaction.hash,
    blockNumber: transaction.blockNumber,
    gasUsed: transaction.gasUsed.toString(),
    events: transaction.events
  }
}

/** A mined transaction as text: `transaction 0xab... (block 12, gas 51234)`. */
export function transactionText (transaction: RegistryTransaction): string {
  return `transaction ${transaction.hash} (block ${transaction.blockNumber}, gas ${transaction.gasUsed.toString()})`
}
