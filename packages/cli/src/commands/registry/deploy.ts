import { deployResourceRegistry } from '@resource-discovery/registry-admin'
import { Wallet } from 'ethers'
import { requireRoleKey } from '../../config/load-key.js'
import { openRpc } from '../../runtime/open-registry.js'
import type { CommandContext } from '../command-spec.js'
import { transactionJson, transactionText } from './registry-session.js'

/**
 * `rdisc registry deploy`: deploys a ResourceRegistry, the curator's account
 * as its curator, and prints what a client's configuration needs: the
 * address, the deployment block (where the registry's events start) and the
 * chain id.
 */
export async function runDeploy ({ options, env, output, signal }: CommandContext): Promise<void> {
  const key = await requireRoleKey(options, 'curator', env, (line) => { output.warn(line) })
  const rpc = await openRpc(options, signal)
  try {
    const curator = new Wallet(key.privateKey, rpc.provider)
    output.progress(`deploying the registry from ${curator.address} on ${rpc.rpcUrl} ...`)
    const { address, deploymentBlock, chainId, transaction } = await deployResourceRegistry(curator, { rpcUrl: rpc.rpcUrl, signal })
    output.result(
      {
        address,
        // `registry` repeats the address, for scripts written before `address`
        registry: address,
        deploymentBlock,
        chainId: chainId.toString(),
        curator: curator.address,
        transaction: transactionJson(transaction)
      },
      [
        `registry deployed at ${address} on chain ${chainId} in block ${deploymentBlock}, curator ${curator.address}`,
        transactionText(transaction),
        '',
        `export RDISC_REGISTRY=${address}`
      ].join('\n')
    )
  } finally {
    rpc.provider.destroy()
  }
}
