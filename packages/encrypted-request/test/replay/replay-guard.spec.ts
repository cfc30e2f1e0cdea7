import { InvalidConfigurationError } from '@resource-discovery/core'
import { expect } from 'chai'
import { DEFAULT_MAX_CLOCK_SKEW_MS, ReplayedRequestError, ReplayGuard, ReplayGuardFullError, StaleRequestError } from '../../src/index.js'

const T0 = 1_700_000_000_000
const SKEW_MS = 1_000

function id (n: number): Uint8Array {
  const bytes = new Uint8Array(16)
  new DataView(bytes.buffer).setUint32(12, n)
  return bytes
}

function fakeClock (start = T0): { now: () => number, advance: (ms: number) => void, set: (ms: number) => void } {
  let time = start
  return { now: () => time, advance: (ms) => { time += ms }, set: (ms) => { time = ms } }
}

function catchError (fn: () => void): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected an error')
}

describe('ReplayGuard', () => {
  it('behavior: accepts a fresh request once and refuses its replay', () => {
    const guard = new ReplayGuard({ now: fakeClock().now })
    guard.accept(id(1), T0)
    expect(() => { guard.accept(id(1), T0) }).to.throw(ReplayedRequestError)
    guard.accept(id(2), T0)
    expect(guard.size).to.equal(2)
  })

  it('behavior: defaults to a 60 s window', () => {
    const guard = new ReplayGuard()
    expect(guard.maxClockSkewMs).to.equal(DEFAULT_MAX_CLOCK_SKEW_MS).and.equal(60_000)
    guard.accept(id(1), Date.now() - 59_000)
    expect(() => { guard.accept(id(2), Date.now() - 61_000) }).to.throw(StaleRequestError)
  })

  it('behavior: accepts timestamps exactly at the skew, refuses one ms beyond in either direction', () => {
    const guard = new ReplayGuard({ maxClockSkewMs: SKEW_MS, now: fakeClock().now })
    guard.accept(id(1), T0 - SKEW_MS)
    guard.accept(id(2), T0 + SKEW_MS)
    const old = catchError(() => { guard.accept(id(3), T0 - SKEW_MS - 1) })
    expect(old).to.be.instanceOf(StaleRequestError)
    expect((old as StaleRequestError).driftMs).to.equal(-SKEW_MS - 1)
    const future = catchError(() => { guard.accept(id(4), T0 + SKEW_MS + 1) })
    expect(future).to.be.instanceOf(StaleRequestError)
    expect((future as StaleRequestError).driftMs).to.equal(SKEW_MS + 1)
    expect((future as StaleRequestError).name).to.equal('StaleRequestError')
    expect(guard.size).to.equal(2)
  })

  it('error: a NaN timestamp is stale', () => {
    const guard = new ReplayGuard({ now: fakeClock().now })
    expect(() => { guard.accept(id(1), Number.NaN) }).to.throw(StaleRequestError)
    expect(guard.size).to.equal(0)
  })

  it('behavior: remembers an id until its request would be stale, then refuses the replay as stale', () => {
    const clock = fakeClock()
    const guard = new ReplayGuard({ maxClockSkewMs: SKEW_MS, now: clock.now })
    guard.accept(id(1), T0)
    clock.advance(SKEW_MS)
    expect(() => { guard.accept(id(1), T0) }).to.throw(ReplayedRequestError)
    clock.advance(1)
    expect(() => { guard.accept(id(1), T0) }).to.throw(StaleRequestError)
    expect(guard.size).to.equal(0)
  })

  it('behavior: expires ids by request timestamp, not by arrival', () => {
    const clock = fakeClock()
    const guard = new ReplayGuard({ maxClockSkewMs: SKEW_MS, now: clock.now })
    guard.accept(id(1), T0 + SKEW_MS) // future-dated: kept longest
    guard.accept(id(2), T0 - SKEW_MS) // oldest accepted
    guard.accept(id(3), T0)
    expect(guard.size).to.equal(3)
    clock.set(T0 + 1)
    expect(guard.size).to.equal(2)
    clock.set(T0 + SKEW_MS + 1)
    expect(guard.size).to.equal(1)
    clock.set(T0 + 2 * SKEW_MS)
    expect(guard.size).to.equal(1)
    clock.set(T0 + 2 * SKEW_MS + 1)
    expect(guard.size).to.equal(0)
  })

  it('behavior: when full, refuses new ids and forgets none early; accepts again once ids expire', () => {
    const clock = fakeClock()
    const guard = new ReplayGuard({ maxClockSkewMs: SKEW_MS, maxRememberedRequests: 2, now: clock.now })
    guard.accept(id(1), T0)
    guard.accept(id(2), T0 + 10)
    const full = catchError(() => { guard.accept(id(3), T0) })
    expect(full).to.be.instanceOf(ReplayGuardFullError)
    expect((full as ReplayGuardFullError).maxRememberedRequests).to.equal(2)
    expect(() => { guard.accept(id(1), T0) }).to.throw(ReplayedRequestError)
    expect(() => { guard.accept(id(2), T0) }).to.throw(ReplayedRequestError)
    clock.advance(SKEW_MS + 1) // id 1 expired, id 2 not yet
    guard.accept(id(3), T0 + SKEW_MS)
    expect(() => { guard.accept(id(4), T0 + SKEW_MS) }).to.throw(ReplayGuardFullError)
    expect(() => { guard.accept(id(2), T0 + 10) }).to.throw(ReplayedRequestError)
  })

  it('behavior: size matches a naive model over random timestamps and clock steps', () => {
    let seed = 42
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
      return seed / 2_147_483_648
    }
    const clock = fakeClock()
    const guard = new ReplayGuard({ maxClockSkewMs: SKEW_MS, now: clock.now })
    const model = new Map<number, number>()
    for (let n = 0; n < 2_000; n++) {
      const timestamp = clock.now() + Math.floor((random() * 2 - 1) * SKEW_MS)
      guard.accept(id(n), timestamp)
      model.set(n, timestamp + SKEW_MS)
      clock.advance(Math.floor(random() * 20))
      for (const [key, expiresAt] of model) if (expiresAt < clock.now()) model.delete(key)
      if (n % 97 === 0) expect(guard.size).to.equal(model.size)
    }
    const remembered = [...model.keys()]
    expect(remembered.length).to.be.greaterThan(10)
    for (const n of remembered.slice(0, 10)) {
      expect(() => { guard.accept(id(n), clock.now()) }).to.throw(ReplayedRequestError)
    }
  })

  it('behavior: clear forgets every id', () => {
    const guard = new ReplayGuard({ now: fakeClock().now })
    guard.accept(id(1), T0)
    guard.clear()
    expect(guard.size).to.equal(0)
    guard.accept(id(1), T0)
    expect(guard.size).to.equal(1)
  })

  it('args: refuses a negative skew and a cap below one', () => {
    expect(() => new ReplayGuard({ maxClockSkewMs: -1 })).to.throw(InvalidConfigurationError)
    expect(() => new ReplayGuard({ maxClockSkewMs: 0.5 })).to.throw(InvalidConfigurationError)
    expect(() => new ReplayGuard({ maxRememberedRequests: 0 })).to.throw(InvalidConfigurationError)
    expect(new ReplayGuard({ maxClockSkewMs: 0, maxRememberedRequests: 1 }).maxRememberedRequests).to.equal(1)
  })
})
