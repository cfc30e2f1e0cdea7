import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect } from 'chai'
import { getAddress, id, Interface } from 'ethers'
import {
  InvalidConfigurationError, jsonRpcEthCall, PROVIDER_STATUSES, RegistryReader, resourceRegistryAbi, RpcUnavailableError, type ProviderStatus
} from '../../src/index.js'

/**
 * The registry's views served over JSON-RPC from memory, as a node would
 * answer them (ABI-encoded by ethers from the contract's own ABI): the paging,
 * block pinning and error paths of the reader are checked here; the daemon's
 * tests read a real registry on anvil.
 */
const registry = new Interface(resourceRegistryAbi)
const REGISTRY = getAddress(`0x${'5f'.repeat(20)}`)
const CURATOR = getAddress(`0x${'c0'.repeat(20)}`)
const MAIL = id('mailserver')
const PUSH = id('push')

interface FakeProvider { account: string, status: ProviderStatus, name: string, metadataUri: string, counts: Record<string, number> }

const fakeProviders: FakeProvider[] = (['approved', 'pending', 'suspended', 'rejected', 'removed'] as const).map((status, index) => ({
  account: getAddress(`0x${(index + 1).toString(16).padStart(2, '0').repeat(20)}`),
  status,
  name: `Provider ${index}`,
  metadataUri: index === 0 ? '' : `https://p${index}.example/provider.json`,
  counts: { [MAIL]: index * 2, [PUSH]: index }
}))

interface Call { method: string, function?: string, block?: string }

interface FakeNode {
  url: string
  calls: Call[]
  /** Most eth_calls seen in flight at once. */
  maxInFlight: number
  /** What eth_call answers instead of the encoded result, if set. */
  override?: string
  close: () => Promise<void>
}

async function startFakeNode (): Promise<FakeNode> {
  let inFlight = 0
  const node: Partial<FakeNode> & { calls: Call[], maxInFlight: number } = { calls: [], maxInFlight: 0 }
  const server: Server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => { body += chunk.toString() })
    request.on('end', () => {
      const { id: requestId, method, params } = JSON.parse(body) as { id: number, method: string, params: unknown[] }
      const answer = (result: unknown): void => {
        response.setHeader('content-type', 'application/json')
        response.end(JSON.stringify({ jsonrpc: '2.0', id: requestId, result }))
      }
      if (method === 'eth_blockNumber') {
        node.calls.push({ method })
        answer('0x2a')
        return
      }
      const [call, block] = params as [{ to: string, data: string }, string]
      const parsed = registry.parseTransaction({ data: call.data })
      node.calls.push({ method, function: parsed?.name ?? '?', block })
      inFlight++
      node.maxInFlight = Math.max(node.maxInFlight, inFlight)
      setTimeout(() => {
        inFlight--
        if (node.override !== undefined) {
          answer(node.override)
          return
        }
        switch (parsed?.name) {
          case 'curator':
            answer(registry.encodeFunctionResult('curator', [CURATOR]))
            return
          case 'providers': {
            const [offset, limit] = parsed.args.toArray() as [bigint, bigint]
            const page = fakeProviders.slice(Number(offset), Number(offset + limit))
              .map((provider) => [provider.account, PROVIDER_STATUSES.indexOf(provider.status), provider.name, provider.metadataUri])
            answer(registry.encodeFunctionResult('providers', [page]))
            return
          }
          case 'resourceCount': {
            const [account, kindId] = parsed.args.toArray() as [string, string]
            const provider = fakeProviders.find((candidate) => candidate.account === getAddress(account))
            answer(registry.encodeFunctionResult('resourceCount', [provider?.counts[kindId] ?? 0]))
            return
          }
          default:
            answer('0x')
        }
      }, 5)
    })
  })
  await new Promise<void>((resolve) => { server.listen(0, '127.0.0.1', resolve) })
  node.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  node.close = async () => { await new Promise((resolve) => { server.close(resolve) }) }
  return node as FakeNode
}

describe('RegistryReader', () => {
  let node: FakeNode

  beforeEach(async () => {
    node = await startFakeNode()
  })

  afterEach(async () => {
    await node.close()
  })

  it('behavior: lists the curator and every provider, page by page, with resource counts per kind, all at one block', async () => {
    const reader = new RegistryReader({ rpcUrl: node.url, registryAddress: REGISTRY.toLowerCase(), pageSize: 2, concurrency: 3 })
    expect(reader.address).to.equal(REGISTRY)
    const listing = await reader.listing([MAIL, PUSH])
    expect(listing.blockNumber).to.equal(42)
    expect(listing.curator).to.equal(CURATOR)
    expect(listing.providers).to.deep.equal(fakeProviders.map((provider) => ({
      address: provider.account,
      status: provider.status,
      name: provider.name,
      metadataUri: provider.metadataUri,
      resources: { [MAIL]: provider.counts[MAIL], [PUSH]: provider.counts[PUSH] }
    })))
    const calls = node.calls.filter((call) => call.method === 'eth_call')
    // 5 providers in pages of 2: three pages; 5 x 2 counts; one curator
    expect(calls.filter((call) => call.function === 'providers')).to.have.length(3)
    expect(calls.filter((call) => call.function === 'resourceCount')).to.have.length(10)
    expect(new Set(calls.map((call) => call.block))).to.deep.equal(new Set(['0x2a']))
    expect(node.maxInFlight, 'concurrency bound').to.be.at.most(3).and.at.least(2)
  })

  it('args: a given block is read without asking for the head; no kinds, no counts', async () => {
    const reader = new RegistryReader({ rpcUrl: node.url, registryAddress: REGISTRY })
    const listing = await reader.listing([], { blockNumber: 7 })
    expect(listing.blockNumber).to.equal(7)
    expect(listing.providers.map((provider) => provider.resources)).to.deep.equal(fakeProviders.map(() => ({})))
    expect(node.calls.map((call) => call.method)).to.not.include('eth_blockNumber')
    expect(new Set(node.calls.map((call) => call.block))).to.deep.equal(new Set(['0x7']))
  })

  it('args: with `rpc` instead of `rpcUrl`, the head and every call go through it', async () => {
    const heads: string[] = []
    const rpc = {
      ethCall: jsonRpcEthCall(node.url, 1000),
      block: async (tag: 'latest') => {
        heads.push(tag)
        return { number: 9, hash: `0x${'09'.repeat(32)}` }
      }
    }
    const reader = new RegistryReader({ rpc, registryAddress: REGISTRY, pageSize: 10 })
    expect(reader.rpcUrl).to.equal(undefined)
    const listing = await reader.listing([MAIL])
    expect(listing.blockNumber).to.equal(9)
    expect(listing.providers.map((provider) => provider.resources[MAIL])).to.deep.equal(fakeProviders.map((provider) => provider.counts[MAIL]))
    expect(heads).to.deep.equal(['latest'])
    expect(node.calls.map((call) => call.method)).to.not.include('eth_blockNumber')
    expect(new Set(node.calls.map((call) => call.block))).to.deep.equal(new Set(['0x9']))

    const headless = new RegistryReader({ rpc: { ...rpc, block: async () => undefined }, registryAddress: REGISTRY })
    expect(await headless.blockNumber().catch((e: unknown) => e)).to.be.instanceOf(RpcUnavailableError)
  })

  it('error: no contract at the address (empty answer) is RpcUnavailableError naming the address', async () => {
    node.override = '0x'
    const reader = new RegistryReader({ rpcUrl: node.url, registryAddress: REGISTRY })
    const err = await reader.listing([MAIL]).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(RpcUnavailableError)
    expect((err as Error).message).to.contain(`no ResourceRegistry at ${REGISTRY}`)
  })

  it('error: an answer the ABI cannot decode is RpcUnavailableError', async () => {
    node.override = '0x1234'
    const reader = new RegistryReader({ rpcUrl: node.url, registryAddress: REGISTRY })
    const err = await reader.curator().catch((e: unknown) => e)
    expect(err).to.be.instanceOf(RpcUnavailableError)
    expect((err as Error).message).to.contain('cannot decode')
  })

  it('error: an unreachable endpoint is RpcUnavailableError', async () => {
    const url = node.url
    await node.close()
    node = await startFakeNode()
    const reader = new RegistryReader({ rpcUrl: url, registryAddress: REGISTRY, rpcTimeoutMs: 1000 })
    const err = await reader.listing([MAIL]).catch((e: unknown) => e)
    expect(err).to.be.instanceOf(RpcUnavailableError)
    expect((err as RpcUnavailableError).rpcUrl).to.equal(url)
  })

  it('error: bad options name the option', () => {
    expect(() => new RegistryReader({ rpcUrl: 'ws://127.0.0.1:8545', registryAddress: REGISTRY })).to.throw(InvalidConfigurationError, 'registry.rpcUrl')
    expect(() => new RegistryReader({ rpcUrl: node.url, registryAddress: '0x1234' })).to.throw(InvalidConfigurationError, 'registry.registryAddress')
    expect(() => new RegistryReader({ rpcUrl: node.url, registryAddress: REGISTRY, pageSize: 0 })).to.throw(InvalidConfigurationError, 'registry.pageSize')
  })
})
