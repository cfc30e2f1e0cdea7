/**
 * Shared set-up of the registry tests: one anvil per test file, an ethers
 * provider on it, a Wallet per dev account, and helpers to deploy a fresh
 * registry and to make node keys.
 */
import { type DevChain, startDevChain } from '@resource-discovery/devchain'
import {
  createRpcProvider,
  deployResourceRegistry,
  resourceKindId,
  RegistryRevertError,
  resourceRegistryInterface,
  type NodeConsent,
  type RegistryTransaction,
  type ResourceRegistryClient
} from '@resource-discovery/registry-admin'
import { expect } from 'chai'
import { keccak256, toUtf8Bytes, Wallet, type JsonRpcProvider } from 'ethers'

/** The kind most tests register nodes under. */
export const MAILSERVER = resourceKindId('mailserver')
/** A second kind. */
export const PUSH = resourceKindId('push')

/** A running chain with named accounts. */
export interface RegistryFixture {
  chain: DevChain
  provider: JsonRpcProvider
  /** Deploys and is the first curator. */
  curator: Wallet
  /** Providers. */
  alice: Wallet
  bob: Wallet
  carol: Wallet
  /** An account with no role. */
  mallory: Wallet
  /** Spare accounts, e.g. for paging tests. */
  spare: Wallet[]
  /** Deploys a fresh registry with `curator` as curator. */
  deploy: () => Promise<ResourceRegistryClient>
  /** A node's consent to be listed by `provider` in `registry` under `kindId`, with its current nonce, valid for an hour. */
  consent: (registry: ResourceRegistryClient, nodeKey: string, provider: Wallet, kindId?: string) => Promise<NodeConsent>
  stop: () => Promise<void>
}

/** Starts anvil and connects to it; call `stop()` in `after`. */
export async function startRegistryFixture (): Promise<RegistryFixture> {
  const chain = await startDevChain({ accountCount: 12 })
  const provider = await createRpcProvider(chain.rpcUrl, { chainId: chain.chainId, pollingIntervalMs: 50, batch: false })
  const wallets = chain.accounts.map(account => new Wallet(account.privateKey, provider))
  const [curator, alice, bob, carol, mallory, ...spare] = wallets
  if (curator === undefined || alice === undefined || bob === undefined || carol === undefined || mallory === undefined) {
    throw new Error('the dev chain has too few accounts')
  }
  return {
    chain,
    provider,
    curator,
    alice,
    bob,
    carol,
    mallory,
    spare,
    deploy: async () => (await deployResourceRegistry(curator, { rpcUrl: chain.rpcUrl })).client,
    consent: async (registry, nodeKey, providerWallet, kindId = MAILSERVER) =>
      registry.createNodeConsent(nodeKey, { kindId, provider: providerWallet.address }),
    stop: async () => {
      provider.destroy()
      await chain.stop()
    }
  }
}

/** A deterministic secp256k1 private key for node number `index`. */
export function nodeKey (index: number): string {
  return keccak256(toUtf8Bytes(`test node ${index}`))
}

/**
 * Awaits `action`, expects it to revert with the custom error `reason`, and
 * returns the error so the test can check its arguments.
 */
export async function expectRevert (action: Promise<unknown>, reason: string): Promise<RegistryRevertError> {
  let caught: unknown
  try {
    await action
  } catch (err) {
    caught = err
  }
  expect(caught, `expected a revert with ${reason}`).to.be.instanceOf(RegistryRevertError)
  const error = caught as RegistryRevertError
  expect(error.reason).to.equal(reason)
  return error
}

/** The one event named `name` in `tx`; fails if there is not exactly one. */
export function eventOf (tx: RegistryTransaction, name: string): Record<string, unknown> {
  const matching = tx.events.filter(event => event.name === name)
  expect(matching, `events named ${name} in ${tx.events.map(event => event.name).join(', ')}`).to.have.length(1)
  return matching[0]!.args
}

/**
 * How many `eventName` logs of `registry` match `indexed` as topic filters
 * (`null` = any). This goes through the node's log filter, so it only finds
 * the logs if those arguments really are indexed.
 */
export async function countLogs (fixture: RegistryFixture, registry: ResourceRegistryClient, eventName: string, indexed: ReadonlyArray<string | number | null>): Promise<number> {
  const topics = resourceRegistryInterface.encodeFilterTopics(eventName, [...indexed])
  const logs = await fixture.provider.getLogs({ address: registry.address, topics, fromBlock: 0, toBlock: 'latest' })
  return logs.length
}
