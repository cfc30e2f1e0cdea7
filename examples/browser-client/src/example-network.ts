/**
 * The chain side of the example, on 127.0.0.1: an anvil dev chain, the
 * ResourceRegistry contract, one provider the curator added, and three
 * server records (signed ENRs, v4 identity scheme). The provider registers
 * two of them, with each node's consent; the third is registered by nobody.
 *
 * Only the records exist: no server runs. The page verifies identities
 * against the registry and selects at random, which needs no connection.
 */
import { SignableENR } from '@chainsafe/enr'
import { defineResourceKind } from '@resource-discovery/core'
import { startDevChain } from '@resource-discovery/devchain'
import { createRpcProvider, deployResourceRegistry } from '@resource-discovery/registry-admin'
import { getBytes, Wallet } from 'ethers'
import type { PageConfig } from './page-config.js'

/** The kind of the example's servers. */
export const EXAMPLE_KIND = defineResourceKind({ name: 'mailserver' })

/** One server record of the network. */
export interface ExampleServer {
  readonly label: string
  /** Its signed ENR (`enr:...`). */
  readonly enr: string
  /** Its node id, 64 hex characters. */
  readonly nodeId: string
  /** Whether the provider registered it. */
  readonly registered: boolean
}

/** What {@link startExampleNetwork} started. */
export interface ExampleNetwork {
  /** What the page needs: the chain, the registry, the trusted provider and the records. */
  readonly config: PageConfig
  readonly servers: readonly ExampleServer[]
  /** Stops the chain. */
  stop: () => Promise<void>
}

/** The records: `registered` ones are registered by the provider. */
const SERVERS = [
  { label: 'mail-1', registered: true },
  { label: 'mail-2', registered: true },
  { label: 'mail-3', registered: false }
] as const

/** Starts anvil, deploys the registry, adds a provider and registers two of three fresh server records. */
export async function startExampleNetwork (): Promise<ExampleNetwork> {
  const chain = await startDevChain({ accountCount: 2 })
  try {
    const rpc = await createRpcProvider(chain.rpcUrl, { chainId: chain.chainId, pollingIntervalMs: 20, batch: false })
    try {
      const [curator, provider] = chain.accounts.map((account) => new Wallet(account.privateKey, rpc))
      if (curator === undefined || provider === undefined) {
        throw new Error('the dev chain has too few accounts')
      }
      const { client: registry } = await deployResourceRegistry(curator)
      await registry.addProvider(provider.address, 'Example provider', 'https://provider.example/provider.json')
      const asProvider = registry.connect(provider)
      const servers: ExampleServer[] = []
      for (const { label, registered } of SERVERS) {
        const key = Wallet.createRandom().privateKey
        const enr = SignableENR.createV4(getBytes(key))
        enr.ip = '127.0.0.1'
        enr.tcp = 30303
        const consent = await registry.createNodeConsent(key, { kindId: EXAMPLE_KIND.kindId, provider: provider.address })
        if (registered) {
          await asProvider.addResource(consent)
        }
        servers.push({ label, enr: enr.encodeTxt(), nodeId: consent.nodeId.slice(2), registered })
      }
      return {
        config: {
          rpcUrl: chain.rpcUrl,
          registryAddress: registry.address,
          defaultProvider: provider.address,
          kind: EXAMPLE_KIND.name,
          servers: servers.map((server) => ({ label: server.label, address: server.enr }))
        },
        servers,
        stop: async () => { await chain.stop() }
      }
    } finally {
      rpc.destroy()
    }
  } catch (err) {
    await chain.stop()
    throw err
  }
}
