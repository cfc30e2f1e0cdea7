/**
 * Gas used by each state-changing function of the ResourceRegistry contract,
 * measured on a real anvil dev chain, plus the gas a client's `checkResources`
 * eth_call and a page of the `registrations` listing need for a few sizes.
 *
 * Run: `npm run bench:gas`. Prints a table and writes
 * `bench/results/registry-gas.json`. Gas numbers are deterministic for a given
 * contract, compiler and hardfork, so the JSON only changes when they do.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startDevChain } from '@resource-discovery/devchain'
import {
  createRpcProvider,
  deployResourceRegistry,
  nodeIdFromPublicKey,
  nodePublicKeyFromPrivateKey,
  resourceKindId,
  resourceRegistryInterface,
  resourceRegistrySolcVersion,
  type NodeConsent,
  type RegistryTransaction,
  type ResourceRegistryClient
} from '@resource-discovery/registry-admin'
import { keccak256, toUtf8Bytes, Wallet } from 'ethers'

interface GasRow {
  function: string
  scenario: string
  gas: number
  /** 'transaction' (gasUsed from the receipt) or 'call' (eth_estimateGas of a view). */
  kind: 'transaction' | 'call'
}

const outputPath = resolve(dirname(fileURLToPath(import.meta.url)), 'results/registry-gas.json')
const MAILSERVER = resourceKindId('mailserver')

function nodeKey (index: number): string {
  return keccak256(toUtf8Bytes(`bench node ${index}`))
}

async function main (): Promise<void> {
  const chain = await startDevChain({ accountCount: 8 })
  const provider = await createRpcProvider(chain.rpcUrl, { chainId: chain.chainId, pollingIntervalMs: 50, batch: false })
  const rows: GasRow[] = []
  const record = (fn: string, scenario: string, tx: RegistryTransaction): void => {
    rows.push({ function: fn, scenario, gas: Number(tx.gasUsed), kind: 'transaction' })
  }
  try {
    const [curator, alice, bob, carol, dave, next] = chain.accounts.map(account => new Wallet(account.privateKey, provider))
    if (curator === undefined || alice === undefined || bob === undefined || carol === undefined || dave === undefined || next === undefined) {
      throw new Error('the dev chain has too few accounts')
    }
    const { client: registry, transaction: deployment } = await deployResourceRegistry(curator)
    record('constructor', 'deploy', deployment)
    const as = (wallet: Wallet): ResourceRegistryClient => registry.connect(wallet)
    const consent = async (wallet: Wallet, index: number): Promise<NodeConsent> =>
      registry.createNodeConsent(nodeKey(index), { kindId: MAILSERVER, provider: wallet.address })
    const nodeId = (index: number): string => nodeIdFromPublicKey(nodePublicKeyFromPrivateKey(nodeKey(index)))
    const withdraw = async (index: number, from: Wallet): Promise<RegistryTransaction> =>
      as(next).withdrawResource(await registry.createNodeWithdrawal(nodeKey(index), { kindId: MAILSERVER, provider: from.address }))

    const metadataUri = 'https://provider.example/metadata.json'
    record('applyAsProvider', 'new account, 10-byte name, 38-byte URI', await as(alice).applyAsProvider('Provider A', metadataUri))
    record('approveProvider', 'pending -> approved', await registry.approveProvider(alice.address))
    await as(bob).applyAsProvider('Provider B', metadataUri)
    record('rejectProvider', 'pending -> rejected', await registry.rejectProvider(bob.address))
    record('applyAsProvider', 'rejected account applies again', await as(bob).applyAsProvider('Provider B', metadataUri))
    record('addProvider', 'new account, approved directly', await registry.addProvider(carol.address, 'Default', metadataUri))

    record('addResource', 'first node of a (provider, kind)', await as(alice).addResource(await consent(alice, 0)))
    record('addResource', 'second node of a (provider, kind)', await as(alice).addResource(await consent(alice, 1)))
    for (let index = 2; index < 10; index++) {
      await as(alice).addResource(await consent(alice, index))
    }
    record('addResource', '11th node of a (provider, kind)', await as(alice).addResource(await consent(alice, 10)))
    record('addResource', 'node another provider already lists', await as(carol).addResource(await consent(carol, 0)))
    record('removeResource', 'last node of the list (no swap)', await as(alice).removeResource(MAILSERVER, nodeId(10)))
    record('removeResource', 'node in the middle (swap with last)', await as(alice).removeResource(MAILSERVER, nodeId(3)))
    record('removeResource', 'only node of the list', await as(carol).removeResource(MAILSERVER, nodeId(0)))
    record('addResource', 'first node of an emptied (provider, kind), already listed', await as(carol).addResource(await consent(carol, 0)))
    record('withdrawResource', 'only node of the list, relayed by another account', await withdraw(0, carol))
    await as(alice).addResource(await consent(alice, 10))
    record('withdrawResource', 'last node of the list (no swap)', await withdraw(10, alice))
    record('withdrawResource', 'node in the middle (swap with last)', await withdraw(4, alice))

    record('suspendProvider', 'approved -> suspended', await registry.suspendProvider(alice.address))
    record('reinstateProvider', 'suspended -> approved', await registry.reinstateProvider(alice.address))
    record('removeProvider', 'approved with 8 nodes -> removed', await registry.removeProvider(alice.address))

    record('proposeCurator', 'propose a new curator', await registry.proposeCurator(next.address))
    record('acceptCurator', 'proposed account takes over', await as(next).acceptCurator())

    // Views a client calls: the gas an eth_call needs (nodes' RPC limits are often 50M gas per call).
    const carolNodes: string[] = []
    for (let index = 100; index < 150; index++) {
      const given = await consent(carol, index)
      await as(carol).addResource(given)
      carolNodes.push(given.nodeId)
    }
    const trusted = [dave.address, alice.address, carol.address]
    for (const count of [1, 50, 256]) {
      const nodeIds = Array.from({ length: count }, (_, index) => carolNodes[index] ?? nodeId(1_000 + index))
      const data = resourceRegistryInterface.encodeFunctionData('checkResources', [MAILSERVER, nodeIds, trusted])
      const gas = await provider.estimateGas({ to: registry.address, data })
      rows.push({ function: 'checkResources', scenario: `${count} node(s) x 3 trusted providers (view)`, gas: Number(gas), kind: 'call' })
    }

    // A page of the listing the index is loaded from: 250 of carol's nodes, after alice's removed set (skipped).
    for (let index = 150; index < 350; index++) {
      await as(carol).addResource(await consent(carol, index))
    }
    for (const limit of [1, 50, 250]) {
      const data = resourceRegistryInterface.encodeFunctionData('registrations', [0, limit])
      const gas = await provider.estimateGas({ to: registry.address, data })
      rows.push({ function: 'registrations', scenario: `a page of ${limit} node(s), 2 sets scanned (view)`, gas: Number(gas), kind: 'call' })
    }
  } finally {
    provider.destroy()
    await chain.stop()
  }

  printTable(rows)
  printCosts(rows)
  await mkdir(dirname(outputPath), { recursive: true })
  const report = {
    contract: 'contracts/ResourceRegistry.sol',
    solc: resourceRegistrySolcVersion,
    optimizerRuns: 200,
    evmVersion: 'cancun',
    chain: 'anvil (@foundry-rs/anvil-linux-amd64 1.7.1)',
    note: 'gas = receipt gasUsed (includes the 21000 base cost and calldata); for views, eth_estimateGas of the call',
    rows
  }
  await writeFile(outputPath, `${JSON.stringify(report, null, 2)}\n`)
  console.log(`\nWrote ${outputPath}`)
}

/** Gas prices the cost table is priced at, in gwei: an L2's execution price, a quiet and a busy L1. */
const GAS_PRICES_GWEI = [0.01, 1, 20] as const

/** What each transaction costs in ETH at {@link GAS_PRICES_GWEI} (execution gas only: an L2's L1 data fee comes on top). */
function printCosts (rows: readonly GasRow[]): void {
  console.log(`\nCost in ETH at ${GAS_PRICES_GWEI.join(' / ')} gwei (execution gas only)\n`)
  console.log(`| function | scenario | ${GAS_PRICES_GWEI.map((price) => `${price} gwei`).join(' | ')} |`)
  console.log(`| --- | --- | ${GAS_PRICES_GWEI.map(() => '--:').join(' | ')} |`)
  for (const row of rows.filter((candidate) => candidate.kind === 'transaction')) {
    const costs = GAS_PRICES_GWEI.map((price) => (row.gas * price / 1e9).toLocaleString('en-US', { maximumSignificantDigits: 3, maximumFractionDigits: 12 }))
    console.log(`| ${row.function} | ${row.scenario} | ${costs.join(' | ')} |`)
  }
}

function printTable (rows: readonly GasRow[]): void {
  const header = ['function', 'scenario', 'gas']
  const cells = rows.map(row => [row.function, row.scenario, row.gas.toLocaleString('en-US')])
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map(cell => cell[column]?.length ?? 0)))
  const line = (values: readonly string[]): string => `| ${values.map((value, column) => column === 2 ? value.padStart(widths[column] ?? 0) : value.padEnd(widths[column] ?? 0)).join(' | ')} |`
  console.log(line(header))
  console.log(`|${widths.map((width, column) => column === 2 ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2)).join('|')}|`)
  for (const cell of cells) {
    console.log(line(cell))
  }
}

await main()
