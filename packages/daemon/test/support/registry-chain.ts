/**
 * A ResourceRegistry on a real anvil chain, with two approved providers
 * (`alice`, `bob`) and a helper to register real signed nodes with their
 * consent.
 */
import { type ResourceKind } from '@resource-discovery/core'
import { startDevChain, type DevChain } from '@resource-discovery/devchain'
import { createNodeKey, createNodeRecord, type NodeKey } from '@resource-discovery/testkit'
import { createRpcProvider, deployResourceRegistry, type ResourceRegistryClient } from '@resource-discovery/registry-admin'
import { Wallet, type JsonRpcProvider } from 'ethers'
import { mail } from './daemon-harness.js'

/** A server node: its key, its signed ENR and node id. */
export interface ChainNode {
  readonly key: NodeKey
  readonly enr: string
  readonly nodeId: string
}

export interface RegistryChain {
  readonly chain: DevChain
  readonly registry: ResourceRegistryClient
  readonly alice: Wallet
  readonly bob: Wallet
  /** The dev chain's funded account `index` as a wallet (0 is the curator, 1 alice, 2 bob). */
  wallet: (index: number) => Wallet
  /** A fresh node with a real signed ENR. */
  node: () => ChainNode
  /** `provider` registers `node` for `kind` (with the node's consent). */
  register: (provider: Wallet, node: ChainNode, kind?: ResourceKind) => Promise<void>
  /** `provider` removes `node` for `kind`. */
  remove: (provider: Wallet, node: ChainNode, kind?: ResourceKind) => Promise<void>
  stop: () => Promise<void>
}

/** Starts anvil with `accountCount` funded accounts (at least 3), deploys a registry and approves `alice` and `bob`. */
export async function startRegistryChain ({ accountCount = 3 }: { accountCount?: number } = {}): Promise<RegistryChain> {
  const chain = await startDevChain({ accountCount })
  let provider: JsonRpcProvider | undefined
  try {
    provider = await createRpcProvider(chain.rpcUrl, { chainId: chain.chainId, pollingIntervalMs: 20, batch: false })
    const [curator, alice, bob] = chain.accounts.map((account) => new Wallet(account.privateKey, provider))
    if (curator === undefined || alice === undefined || bob === undefined) {
      throw new Error('the dev chain has too few accounts')
    }
    const { client: registry } = await deployResourceRegistry(curator, { rpcUrl: chain.rpcUrl })
    await registry.addProvider(alice.address, 'Alice (default provider)', 'https://alice.example/provider.json')
    await registry.addProvider(bob.address, 'Bob', 'https://bob.example/provider.json')
    const rpc = provider
    return {
      chain,
      registry,
      alice,
      bob,
      wallet: (index) => {
        const account = chain.accounts[index]
        if (account === undefined) {
          throw new Error(`the dev chain has no account ${index}; start it with more`)
        }
        return new Wallet(account.privateKey, rpc)
      },
      node: () => {
        const key = createNodeKey()
        const record = createNodeRecord({ key })
        return { key, enr: record.enr, nodeId: record.nodeId }
      },
      register: async (from, node, kind = mail) => {
        const consent = await registry.createNodeConsent(node.key.privateKeyHex, { kindId: kind.kindId, provider: from.address })
        await registry.connect(from).addResource(consent)
      },
      remove: async (from, node, kind = mail) => {
        await registry.connect(from).removeResource(kind.kindId, `0x${node.nodeId}`)
      },
      stop: async () => {
        rpc.destroy()
        await chain.stop()
      }
    }
  } catch (err) {
    provider?.destroy()
    await chain.stop()
    throw err
  }
}
