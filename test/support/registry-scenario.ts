/**
 * A registry on a real anvil chain, with a curator, a trusted provider
 * (`alice`), a second provider (`bob`) and helpers to register real nodes.
 */
import { defineResourceKind, type Resource, type ResourceKind } from '@resource-discovery/core'
import { startDevChain, startRpcProxy, type DevChain, type RpcProxy, type RpcProxyInit } from '@resource-discovery/devchain'
import { createNodeKey, createResource, type NodeKey } from '@resource-discovery/testkit'
import { createRpcProvider, deployResourceRegistry, type ResourceRegistryClient } from '@resource-discovery/registry-admin'
import { Wallet, type JsonRpcProvider } from 'ethers'

export const mail = defineResourceKind({ name: 'mailserver' })
export const push = defineResourceKind({ name: 'push' })

/** A server node: its key and the resource a client would discover. */
export interface TestNode {
  readonly key: NodeKey
  readonly resource: Resource
}

export interface RegistryScenario {
  readonly chain: DevChain
  /** A proxy in front of the chain: counts calls, can cut the chain off. */
  readonly proxy: RpcProxy
  readonly ethers: JsonRpcProvider
  readonly registry: ResourceRegistryClient
  readonly curator: Wallet
  readonly alice: Wallet
  readonly bob: Wallet
  /** A fresh node, as a resource of `kind`. */
  node: (kind?: ResourceKind) => TestNode
  /** `provider` registers `node` for `kind` (with the node's consent). */
  register: (provider: Wallet, node: TestNode, kind?: ResourceKind) => Promise<void>
  stop: () => Promise<void>
}

/** Options of {@link startRegistryScenario}. */
export interface RegistryScenarioOptions {
  /** Blocks mined before the registry is deployed, so the chain is that old at deployment. */
  readonly preMineBlocks?: number
  /** How the scenario's proxy behaves (a public provider's limits). */
  readonly proxy?: RpcProxyInit
}

/** Starts anvil, deploys a registry and approves `alice` and `bob` as providers. */
export async function startRegistryScenario (options: RegistryScenarioOptions = {}): Promise<RegistryScenario> {
  const chain = await startDevChain({ accountCount: 4 })
  if (options.preMineBlocks !== undefined) {
    await chain.mine(options.preMineBlocks)
  }
  const proxy = await startRpcProxy(chain.rpcUrl, options.proxy)
  const ethers = await createRpcProvider(chain.rpcUrl, { chainId: chain.chainId, pollingIntervalMs: 50, batch: false })
  const [curator, alice, bob] = chain.accounts.map((account) => new Wallet(account.privateKey, ethers))
  if (curator === undefined || alice === undefined || bob === undefined) {
    throw new Error('the dev chain has too few accounts')
  }
  const { client: registry } = await deployResourceRegistry(curator, { rpcUrl: chain.rpcUrl })
  await registry.addProvider(alice.address, 'Alice (default provider)', 'https://alice.example/provider.json')
  await registry.addProvider(bob.address, 'Bob', 'https://bob.example/provider.json')
  return {
    chain,
    proxy,
    ethers,
    registry,
    curator,
    alice,
    bob,
    node: (kind = mail) => {
      const key = createNodeKey()
      return { key, resource: createResource(kind, { key }) }
    },
    register: async (provider, node, kind = mail) => {
      const consent = await registry.createNodeConsent(node.key.privateKeyHex, { kindId: kind.kindId, provider: provider.address })
      await registry.connect(provider).addResource(consent)
    },
    stop: async () => {
      ethers.destroy()
      await proxy.stop()
      await chain.stop()
    }
  }
}
