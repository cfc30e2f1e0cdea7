import { rejection } from '@resource-discovery/testkit'
import { expect } from 'chai'
import {
  AbortError, InvalidConfigurationError, JsonRpcError, RpcClient, RpcDisagreementError, RpcRateLimitedError, RpcUnavailableError,
  type RpcClientEvents
} from '../../src/index.js'
import { deadUrl, sleep, startTestServer, word, type ReceivedCall, type Reply, type TestServer } from './json-rpc-test-server.js'

const HONEST = word(0xaa)
const LIE = word(0xbb)
const OTHER_LIE = word(0xcc)

/** The hash of block `number` on the test chain. */
function hashOf (number: number): string {
  return `0x${number.toString(16).padStart(64, '0')}`
}

/** A block of the test chain as eth_getBlockByNumber answers it. */
function block (number: number, hash = hashOf(number)): Reply {
  return { result: { number: `0x${number.toString(16)}`, hash, parentHash: hashOf(number - 1), transactions: [] } }
}

/** An endpoint whose chain head is `head` (blocks by number up to it, `null` beyond). */
function chainAt (head: number, hash = hashOf): (call: ReceivedCall) => Reply {
  return ({ params }) => {
    const tag = params[0] as string
    const number = tag.startsWith('0x') ? Number(tag) : head
    return number > head ? { result: null } : block(number, hash(number))
  }
}

/** Every event of `type` the client dispatches from now on. */
function record<K extends keyof RpcClientEvents> (client: RpcClient, type: K): Array<RpcClientEvents[K]['detail']> {
  const seen: Array<RpcClientEvents[K]['detail']> = []
  client.addEventListener(type, (event) => { seen.push(event.detail) })
  return seen
}

/** The next event of `type`. */
async function next<K extends keyof RpcClientEvents> (client: RpcClient, type: K): Promise<RpcClientEvents[K]['detail']> {
  return new Promise((resolve) => {
    client.addEventListener(type, (event) => { resolve(event.detail) }, { once: true })
  })
}

describe('RpcClient', () => {
  const servers: TestServer[] = []

  async function serve (reply: (call: ReceivedCall, index: number) => Reply | Promise<Reply>): Promise<TestServer> {
    const server = await startTestServer(reply)
    servers.push(server)
    return server
  }

  /** An endpoint that answers every request with `result`, after `delayMs`. */
  async function answering (result: unknown, delayMs = 0): Promise<TestServer> {
    return serve(async () => {
      await sleep(delayMs)
      return { result }
    })
  }

  afterEach(async () => {
    await Promise.all(servers.splice(0).map(async (server) => { await server.close() }))
  })

  describe('configuration', () => {
    it('args: the quorum defaults to 1 for one URL and to a majority for several', () => {
      expect(new RpcClient({ rpcUrls: ['http://a.test'] }).quorum).to.equal(1)
      expect(new RpcClient({ rpcUrls: ['http://a.test', 'http://b.test'] }).quorum).to.equal(2)
      expect(new RpcClient({ rpcUrls: ['http://a.test', 'http://b.test', 'http://c.test'] }).quorum).to.equal(2)
      expect(new RpcClient({ rpcUrls: ['http://a.test', 'http://b.test', 'http://c.test', 'http://d.test'] }).quorum).to.equal(3)
    })

    it('error: no URL, a URL that is not http(s), or a quorum out of 1..n is an InvalidConfigurationError naming the option', () => {
      const optionOf = (init: ConstructorParameters<typeof RpcClient>[0]): string | undefined => {
        try {
          new RpcClient(init)
          return undefined
        } catch (err) {
          expect(err).to.be.instanceOf(InvalidConfigurationError)
          return (err as InvalidConfigurationError).option
        }
      }
      expect(optionOf({ rpcUrls: [] })).to.equal('registry.rpcUrls')
      expect(optionOf({ rpcUrls: ['http://a.test', 'ws://b.test'] })).to.match(/^registry\.rpcUrls/)
      expect(optionOf({ rpcUrls: ['http://a.test'], quorum: 0 })).to.equal('registry.quorum')
      expect(optionOf({ rpcUrls: ['http://a.test', 'http://b.test'], quorum: 3 })).to.equal('registry.quorum')
      expect(optionOf({ rpcUrls: ['http://a.test'], quorum: 1.5 })).to.equal('registry.quorum')
    })
  })

  describe('quorum 1', () => {
    it('behavior: fails over to the next URL when one is down, then prefers the one that answered', async () => {
      const dead = await deadUrl()
      const good = await answering(HONEST)
      const client = new RpcClient({ rpcUrls: [dead, good.url], quorum: 1 })
      const failed = record(client, 'rpc:endpoint-failed')
      expect(await client.request('eth_call', [])).to.equal(HONEST)
      expect(failed.map(({ url, method }) => ({ url, method }))).to.deep.equal([{ url: dead, method: 'eth_call' }])
      expect(failed[0]!.error).to.be.instanceOf(RpcUnavailableError)
      expect(await client.request('eth_call', [])).to.equal(HONEST)
      expect(failed).to.have.length(1)
      expect(good.calls).to.have.length(2)
    })

    it('behavior: an endpoint rate limited past its retries is failed over, with rpc:retry and rpc:rate-limited events', async () => {
      const limited = await serve(() => ({ status: 429, headers: { 'retry-after': '0' } }))
      const good = await answering(HONEST)
      const client = new RpcClient({ rpcUrls: [limited.url, good.url], quorum: 1, maxRetries: 2 })
      const retries = record(client, 'rpc:retry')
      const rateLimits = record(client, 'rpc:rate-limited')
      const failed = record(client, 'rpc:endpoint-failed')
      expect(await client.request('eth_call', [])).to.equal(HONEST)
      expect(limited.calls).to.have.length(3)
      expect(retries.map(({ url, attempt, delayMs }) => ({ url, attempt, delayMs }))).to.deep.equal([
        { url: limited.url, attempt: 1, delayMs: 0 },
        { url: limited.url, attempt: 2, delayMs: 0 }
      ])
      expect(rateLimits).to.deep.equal(Array(3).fill({ url: limited.url, method: 'eth_call', retryAfterMs: 0 }))
      expect(failed[0]!.error).to.be.instanceOf(RpcRateLimitedError)
    })

    it('behavior: a JSON-RPC error is the node\'s answer and is not failed over', async () => {
      const reverting = await serve(() => ({ error: { code: 3, message: 'execution reverted' } }))
      const good = await answering(HONEST)
      const client = new RpcClient({ rpcUrls: [reverting.url, good.url], quorum: 1 })
      expect(await rejection(client.request('eth_call', []))).to.be.instanceOf(JsonRpcError).with.property('code', 3)
      expect(good.calls).to.have.length(0)
    })

    it('error: one URL down throws its own error; all of several down an RpcUnavailableError naming each', async () => {
      const [first, second] = [await deadUrl(), await deadUrl()]
      const single = await rejection(new RpcClient({ rpcUrls: [first] }).request('eth_chainId', [])) as RpcUnavailableError
      expect(single).to.be.instanceOf(RpcUnavailableError).with.property('rpcUrl', first)

      const both = await rejection(new RpcClient({ rpcUrls: [first, second], quorum: 1 }).request('eth_chainId', [])) as RpcUnavailableError
      expect(both).to.be.instanceOf(RpcUnavailableError)
      expect(both.failures.map(({ url }) => url)).to.deep.equal([first, second])
      expect(both.message).to.include(first).and.include(second)
    })
  })

  describe('quorum 2 of 3', () => {
    it('behavior: one liar is outvoted: the honest answer, and an rpc:disagreement naming the liar', async () => {
      const honest = [await answering(HONEST), await answering(HONEST, 20)]
      const liar = await answering(LIE)
      const client = new RpcClient({ rpcUrls: [honest[0]!.url, liar.url, honest[1]!.url] })
      const disagreement = next(client, 'rpc:disagreement')
      expect(await client.request('eth_call', [])).to.equal(HONEST)
      const err = await disagreement
      expect(err).to.be.instanceOf(RpcDisagreementError)
      expect(err.dissenters).to.deep.equal([liar.url])
      expect(err.accepted).to.equal(JSON.stringify(HONEST))
      expect(err.endpoints).to.deep.include({ url: liar.url, answer: JSON.stringify(LIE) })
      expect(err.quorum).to.equal(2)
      expect(err.method).to.equal('eth_call')
    })

    it('behavior: a liar answering after the quorum does not hold the caller, and is still reported', async () => {
      const honest = [await answering(HONEST), await answering(HONEST)]
      const liar = await answering(LIE, 300)
      const client = new RpcClient({ rpcUrls: [liar.url, ...honest.map(({ url }) => url)] })
      const disagreement = next(client, 'rpc:disagreement')
      const started = Date.now()
      expect(await client.request('eth_call', [])).to.equal(HONEST)
      expect(Date.now() - started).to.be.below(250)
      expect((await disagreement).dissenters).to.deep.equal([liar.url])
    })

    it('error: two liars that disagree leave no quorum: RpcDisagreementError naming all three answers', async () => {
      const endpoints = [await answering(HONEST), await answering(LIE), await answering(OTHER_LIE)]
      const client = new RpcClient({ rpcUrls: endpoints.map(({ url }) => url) })
      const reported = next(client, 'rpc:disagreement')
      const err = await rejection(client.request('eth_call', [])) as RpcDisagreementError
      expect(err).to.be.instanceOf(RpcDisagreementError)
      expect(err.name).to.equal('RpcDisagreementError')
      expect(err.accepted).to.equal(undefined)
      expect(err.endpoints.map(({ url }) => url).sort()).to.deep.equal(endpoints.map(({ url }) => url).sort())
      expect(err.message).to.include('not met')
      expect((await reported).accepted).to.equal(undefined)
    })

    it('behavior: one endpoint down is skipped and the other two decide', async () => {
      const dead = await deadUrl()
      const client = new RpcClient({ rpcUrls: [dead, (await answering(HONEST)).url, (await answering(HONEST)).url] })
      const failed = record(client, 'rpc:endpoint-failed')
      expect(await client.request('eth_call', [])).to.equal(HONEST)
      expect(failed.map(({ url }) => url)).to.deep.equal([dead])
    })

    it('error: below the quorum (two down) an RpcUnavailableError names each endpoint that failed', async () => {
      const dead = [await deadUrl(), await deadUrl()]
      const client = new RpcClient({ rpcUrls: [dead[0]!, (await answering(HONEST)).url, dead[1]!] })
      const err = await rejection(client.request('eth_call', [])) as RpcUnavailableError
      expect(err).to.be.instanceOf(RpcUnavailableError).and.not.instanceOf(RpcDisagreementError)
      expect(err.failures.map(({ url }) => url).sort()).to.deep.equal([...dead].sort())
      expect(err.failures.every(({ error }) => error instanceof RpcUnavailableError)).to.equal(true)
      expect(err.message).to.include(dead[0]).and.include(dead[1]).and.include('fewer than the 2 that must agree')
    })

    it('error: the JSON-RPC error two endpoints return is thrown as it is', async () => {
      const reverting = async (): Promise<TestServer> => serve(() => ({ error: { code: 3, message: 'execution reverted' } }))
      const client = new RpcClient({ rpcUrls: [(await reverting()).url, (await answering(HONEST, 100)).url, (await reverting()).url] })
      expect(await rejection(client.request('eth_call', []))).to.be.instanceOf(JsonRpcError).with.property('code', 3)
    })

    it('behavior: answers are compared normalized (eth_call data in any case agrees)', async () => {
      const odd = await answering('0xdead', 100)
      const client = new RpcClient({ rpcUrls: [(await answering('0xABCD')).url, (await answering('0xabcd')).url, odd.url] })
      const disagreement = next(client, 'rpc:disagreement')
      expect(await client.ethCall({ to: HONEST.slice(0, 42), data: '0x' }, 'latest', {})).to.equal('0xabcd')
      expect((await disagreement).dissenters).to.deep.equal([odd.url])
    })

    it('behavior: answers still missing timeoutMs after the decision are cut off: no retry waits on', async () => {
      const slow = await serve(() => ({ status: 429, headers: { 'retry-after': '1' } }))
      const client = new RpcClient({ rpcUrls: [(await answering(HONEST)).url, slow.url, (await answering(HONEST)).url], timeoutMs: 200 })
      const failed = record(client, 'rpc:endpoint-failed')
      expect(await client.request('eth_call', [])).to.equal(HONEST)
      await sleep(1_300)
      expect(slow.calls).to.have.length(1)
      expect(failed).to.deep.equal([])
    })

    it('behavior: aborting rejects at once with AbortError while endpoints hang', async () => {
      const hanging = async (): Promise<TestServer> => serve(() => ({ hang: true }))
      for (const rpcUrls of [[(await hanging()).url, (await hanging()).url], [(await hanging()).url]]) {
        const client = new RpcClient({ rpcUrls, timeoutMs: 10_000 })
        const controller = new AbortController()
        setTimeout(() => { controller.abort() }, 50)
        const started = Date.now()
        expect(await rejection(client.request('eth_call', [], { signal: controller.signal }))).to.be.instanceOf(AbortError)
        expect(Date.now() - started).to.be.below(1_000)
      }
    })
  })

  describe('block', () => {
    it('behavior: with quorum 2 of 3, a lagging endpoint is no disagreement: the second highest head, its hash agreed', async () => {
      const ahead = await serve(chainAt(101))
      const atHead = await serve(chainAt(100))
      const lagging = await serve(chainAt(98))
      const client = new RpcClient({ rpcUrls: [lagging.url, atHead.url, ahead.url] })
      const disagreements = record(client, 'rpc:disagreement')
      expect(await client.block('latest')).to.deep.equal({ number: 100, hash: hashOf(100) })
      expect(ahead.calls.map(({ params }) => params[0])).to.deep.equal(['latest', '0x64'])
      expect(lagging.calls).to.have.length(1)
      expect(atHead.calls).to.have.length(1)
      await sleep(50)
      expect(disagreements).to.deep.equal([])
    })

    it('behavior: equal heads answer in one round', async () => {
      const endpoints = [await serve(chainAt(7)), await serve(chainAt(7)), await serve(chainAt(5))]
      const client = new RpcClient({ rpcUrls: endpoints.map(({ url }) => url) })
      expect(await client.block('safe')).to.deep.equal({ number: 7, hash: hashOf(7) })
      expect(endpoints.flatMap(({ calls }) => calls).filter(({ params }) => params[0] !== 'safe')).to.deep.equal([])
    })

    it('error: endpoints at one height with different hashes disagree', async () => {
      const forged = await serve(chainAt(101, (number) => (number === 100 ? LIE : hashOf(number))))
      const client = new RpcClient({ rpcUrls: [(await serve(chainAt(100))).url, forged.url, (await serve(chainAt(99))).url] })
      const err = await rejection(client.block('latest')) as RpcDisagreementError
      expect(err).to.be.instanceOf(RpcDisagreementError)
      expect(err.endpoints.map(({ url }) => url)).to.include(forged.url)
    })

    it('behavior: a block number beyond a lagging endpoint\'s head is no disagreement; beyond every head it is undefined', async () => {
      const endpoints = [await serve(chainAt(100)), await serve(chainAt(100)), await serve(chainAt(90))]
      const client = new RpcClient({ rpcUrls: endpoints.map(({ url }) => url) })
      const disagreements = record(client, 'rpc:disagreement')
      expect(await client.block(95)).to.deep.equal({ number: 95, hash: hashOf(95) })
      expect(await client.block(200)).to.equal(undefined)
      await sleep(50)
      expect(disagreements).to.deep.equal([])
    })

    it('behavior: with one URL, the block behind a tag or a number', async () => {
      const client = new RpcClient({ rpcUrls: [(await serve(chainAt(12))).url] })
      expect(await client.block('finalized')).to.deep.equal({ number: 12, hash: hashOf(12) })
      expect(await client.block(3)).to.deep.equal({ number: 3, hash: hashOf(3) })
      expect(await client.block(13)).to.equal(undefined)
    })
  })

  describe('ethCall', () => {
    it('behavior: sends a block hash as EIP-1898 { blockHash, requireCanonical: true }, a number as a quantity', async () => {
      const node = await answering('0x')
      const client = new RpcClient({ rpcUrls: [node.url] })
      const call = { to: HONEST.slice(0, 42), data: '0x1234' }
      await client.ethCall(call, { blockHash: hashOf(9) }, {})
      await client.ethCall(call, { blockNumber: 9 }, {})
      await client.ethCall(call, 'finalized', {})
      expect(node.calls.map(({ params }) => params)).to.deep.equal([
        [call, { blockHash: hashOf(9), requireCanonical: true }],
        [call, '0x9'],
        [call, 'finalized']
      ])
    })

    it('error: an answer that is not hex data counts as the endpoint\'s failure', async () => {
      const client = new RpcClient({ rpcUrls: [(await answering(42)).url] })
      const err = await rejection(client.ethCall({ to: HONEST.slice(0, 42), data: '0x' }, 'latest', {}))
      expect(err).to.be.instanceOf(RpcUnavailableError)
      expect((err as Error).message).to.include('not hex data')
    })
  })
})
