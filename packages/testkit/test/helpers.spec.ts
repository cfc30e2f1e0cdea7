import { createConnection } from 'node:net'
import { defineResourceKind, TypedEventTarget } from '@resource-discovery/core'
import { expect } from 'chai'
import { createTrustedVerdict, nextEvent, nextEvents, orderedSelector, rejection, thrown, unusedTcpPort, waitUntil } from '../src/index.js'

interface TestEvents {
  tick: CustomEvent<number>
  plain: Event
}

describe('testkit helpers', () => {
  describe('nextEvent', () => {
    it('resolves with the detail of the first event that is accepted, and removes its listener', async () => {
      const target = new TypedEventTarget<TestEvents>()
      const offered: number[] = []
      const next = nextEvent<number>(target, 'tick', { accept: (detail) => { offered.push(detail); return detail > 1 } })
      target.safeDispatchEvent('tick', 1)
      target.safeDispatchEvent('tick', 2)
      target.safeDispatchEvent('tick', 3)
      expect(await next).to.equal(2)
      expect(offered).to.deep.equal([1, 2])
    })

    it('rejects naming the event type after the timeout, and leaves no listener', async () => {
      const target = new TypedEventTarget<TestEvents>()
      let offered = 0
      const err = await rejection(nextEvent<number>(target, 'tick', { accept: () => { offered++; return false }, timeoutMs: 20 }))
      expect(String(err)).to.contain('no tick event within 20 ms')
      target.safeDispatchEvent('tick', 1)
      expect(offered).to.equal(0)
    })

    it('works on a plain EventTarget', async () => {
      const target = new EventTarget()
      const next = nextEvent<string>(target, 'ping')
      target.dispatchEvent(new CustomEvent('ping', { detail: 'pong' }))
      expect(await next).to.equal('pong')
    })
  })

  describe('nextEvents', () => {
    it('collects the details of `count` accepted events in order', async () => {
      const target = new TypedEventTarget<TestEvents>()
      const next = nextEvents<number>(target, 'tick', 3, { accept: (detail) => detail % 2 === 0 })
      for (let tick = 0; tick < 8; tick++) target.safeDispatchEvent('tick', tick)
      expect(await next).to.deep.equal([0, 2, 4])
    })

    it('rejects saying how many came', async () => {
      const target = new TypedEventTarget<TestEvents>()
      const next = nextEvents<number>(target, 'tick', 3, { timeoutMs: 30 })
      target.safeDispatchEvent('tick', 1)
      expect(String(await rejection(next))).to.contain('1 of 3 tick events within 30 ms')
    })
  })

  describe('rejection', () => {
    it('returns what the promise rejects with', async () => {
      const cause = new RangeError('boom')
      expect(await rejection(Promise.reject(cause))).to.equal(cause)
    })

    it('throws an assertion error naming the value when the promise resolves', async () => {
      let thrown: unknown
      try {
        await rejection(Promise.resolve({ port: 8545n }))
      } catch (err) {
        thrown = err
      }
      expect(thrown).to.be.instanceOf(Error)
      expect((thrown as Error).name).to.equal('AssertionError')
      expect((thrown as Error).message).to.contain('{"port":"8545n"}')
    })
  })

  describe('rejection and thrown, with a class', () => {
    it('return the error typed when it is of the class', async () => {
      const cause = new RangeError('out of range')
      const rejected: RangeError = await rejection(Promise.reject(cause), RangeError)
      expect(rejected).to.equal(cause)
      const caught: RangeError = thrown(() => { throw cause }, RangeError)
      expect(caught).to.equal(cause)
    })

    it('fail naming the class when the error is of another one', async () => {
      const wrongRejection = await rejection(rejection(Promise.reject(new TypeError('t')), RangeError))
      expect((wrongRejection as Error).name).to.equal('AssertionError')
      expect(String(wrongRejection)).to.contain('RangeError')
      const wrongThrow = thrown(() => thrown(() => { throw new TypeError('t') }, RangeError))
      expect((wrongThrow as Error).name).to.equal('AssertionError')
      expect(String(wrongThrow)).to.contain('RangeError')
    })

    it('fail when nothing is thrown', () => {
      const err = thrown(() => thrown(() => 42))
      expect((err as Error).name).to.equal('AssertionError')
      expect(String(err)).to.contain('expected a throw, but it returned 42')
    })
  })

  describe('orderedSelector', () => {
    const kind = defineResourceKind({ name: 'test' })

    it('picks the first candidate in the order it reads at each selection', async () => {
      const candidates = [createTrustedVerdict(kind), createTrustedVerdict(kind), createTrustedVerdict(kind)]
      const [a, b, c] = candidates.map((candidate) => candidate.resource.nodeId)
      let order = [c as string, a as string]
      const selector = orderedSelector(() => order)
      expect((await selector.select(kind, candidates))?.resource.nodeId).to.equal(c)
      order = ['unknown', b as string]
      expect((await selector.select(kind, candidates))?.resource.nodeId).to.equal(b)
      order = []
      expect((await selector.select(kind, candidates))?.resource.nodeId).to.equal(a)
      expect(await selector.select(kind, [])).to.equal(undefined)
    })
  })

  describe('waitUntil', () => {
    it('resolves once an async condition holds, with the time it took', async () => {
      let calls = 0
      const tookMs = await waitUntil(async () => ++calls === 3, 'the third call', 1000, 5)
      expect(calls).to.equal(3)
      expect(tookMs).to.be.at.least(5)
    })

    it('rejects naming what it waited for', async () => {
      const err = await rejection(waitUntil(() => false, 'pigs fly', 30))
      expect(String(err)).to.contain('timed out after 30 ms waiting until pigs fly')
    })
  })

  describe('unusedTcpPort', () => {
    it('gives a loopback port that refuses connections', async () => {
      const port = await unusedTcpPort()
      expect(port).to.be.within(1, 65_535)
      const refused = await new Promise<string>((resolve) => {
        const socket = createConnection({ host: '127.0.0.1', port })
        socket.once('connect', () => { socket.destroy(); resolve('connected') })
        socket.once('error', (err: NodeJS.ErrnoException) => { resolve(err.code ?? 'error') })
      })
      expect(refused).to.equal('ECONNREFUSED')
    })
  })
})
