import { deployResourceRegistry } from '@resource-discovery/registry'
import { Wallet } from 'ethers'
import { requireRoleKey } from '../../config/load-key.js'
import { openRpc } from '../../runtime/open-registry.js'
import type { CommandContext } from '../command-spec.js'
import { transactionJson, transactionText } from './registry-session.js'

/** `rdisc registry deploy`: deploys a ResourceRegistry, the curator's account as its curator. */
export async function runDeploy ({ options, env, output, signal }: CommandContext): Promise<void> {
  const key = await requireRoleKey(options, 'curator', env, (line) => { output.warn(line) })
  const rpc = await openRpc(options, signal)
  try {
    const curator = new Wallet(key.privateKey, rpc.provider)
    output.progress(`deploying the registry from ${curator.address} on ${rpc.rpcUrl} ...`)
    const { client, transaction } = await deployResourceRegistry(curator, { rpcUrl: rpc.rpcUrl, signal })
    output.result(
      { registry: client.address, curator: curator.address, chainId: rpc.chainId.toString(), transaction: transactionJson(transaction) },
      [
        `registry deployed at ${client.address} on chain ${rpc.chainId.toString()}, curator ${curator.address}`,
        transactionText(transaction),
        '',
        `export RDISC_REGISTRY=${client.address}`
      ].join('\n')
    )
  } finally {
    rpc.provider.destroy()
  }
}
