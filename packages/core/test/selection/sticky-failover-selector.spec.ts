import { createTrustedVerdict, selectorTests } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { defineResourceKind, InvalidConfigurationError, StickyFailoverSelector, type TrustedVerdict } from '../../src/index.js'
import { FakeClock, FirstSelector } from './fakes.js'

const mail = defineResourceKind({ name: 'mailserver' })
const push = defineResourceKind({ name: 'push' })

function verdicts (count: number): TrustedVerdict[] {
  return Array.from({ length: count }, () => createTrustedVerdict(mail))
}

const short = (verdict: TrustedVerdict | undefined): string => verdict!.resource.nodeId.slice(0, 8)

describe('StickyFailoverSelector', () => {
  selectorTests({
    setup: async () => ({ selector: new StickyFailoverSelector(), kind: mail }),
    teardown: async () => {}
  })

  let clock: FakeClock
  let candidates: TrustedVerdict[]
  let notes: string[]
  let a: TrustedVerdict
  let b: TrustedVerdict
  let c: TrustedVerdict

  before(() => {
    candidates = verdicts(3)
    ;[a, b, c] = candidates as [TrustedVerdict, TrustedVerdict, TrustedVerdict]
  })

  beforeEach(() => {
    clock = new FakeClock()
    notes = []
  })

  /** A sticky selector over one that picks the first candidate given, on the fake clock. */
  function sticky (init: ConstructorParameters<typeof StickyFailoverSelector>[0] = {}): StickyFailoverSelector {
    return new StickyFailoverSelector({ inner: new FirstSelector(), now: clock.now, ...init })
  }

  async function pick (selector: StickyFailoverSelector, among: readonly TrustedVerdict[] = candidates): Promise<TrustedVerdict | undefined> {
    return selector.select(mail, among, { report: (note) => { notes.push(note) } })
  }

  it('behavior: keeps the first pick while it works, whatever the inner selector would pick', async () => {
    const selector = new StickyFailoverSelector({ now: clock.now })
    const first = await pick(selector)
    for (let call = 0; call < 100; call++) {
      expect(await pick(selector, [...candidates].reverse())).to.equal(first)
    }
    selector.reportSuccess(mail, first!)
    expect(await pick(selector)).to.equal(first)
    expect(notes).to.deep.equal([])
  })

  it('behavior: one failure does not switch: a stand-in serves while the current server backs off, then the current one is back', async () => {
    const selector = sticky()
    expect(await pick(selector)).to.equal(a)
    selector.reportFailure(mail, a, { error: new Error('refused') })
    // connect() tries another server right away, without the one that failed
    expect(await pick(selector, [b, c])).to.equal(b)
    expect(notes).to.deep.equal([`sticky: ${short(a)} is backing off after 1 failure (for 10 s); using ${short(b)} meanwhile`])
    clock.advance(9_999)
    expect(await pick(selector, [c, a, b]), 'the stand-in is kept, not picked anew').to.equal(b)
    clock.advance(1)
    expect(await pick(selector, [c, b, a])).to.equal(a)
  })

  it('behavior: switches after 2 failures in a row, says so, and the failed server cannot be chosen before its graylist ends', async () => {
    const selector = sticky()
    expect(await pick(selector)).to.equal(a)
    selector.reportFailure(mail, a)
    clock.advance(10_000)
    expect(await pick(selector)).to.equal(a)
    selector.reportFailure(mail, a)
    expect(await pick(selector, [b, c])).to.equal(b)
    expect(notes).to.deep.equal([`sticky: ${short(a)} failed 2 times in a row (graylisted for 180 s); switched to ${short(b)}`])
    // b stays current; make it fail out just before a's graylist ends: c is chosen, not a
    clock.advance(179_999)
    selector.reportFailure(mail, b, { overloaded: true })
    expect(await pick(selector)).to.equal(c)
  })

  it('behavior: a server whose graylist has ended can be chosen again', async () => {
    const selector = sticky()
    expect(await pick(selector)).to.equal(a)
    selector.reportFailure(mail, a)
    selector.reportFailure(mail, a)
    expect(await pick(selector)).to.equal(b)
    clock.advance(180_000)
    selector.reportFailure(mail, b, { overloaded: true })
    expect(await pick(selector)).to.equal(a)
  })

  it('behavior: one "overloaded" answer switches at once', async () => {
    const selector = sticky()
    expect(await pick(selector)).to.equal(a)
    selector.reportFailure(mail, a, { overloaded: true, error: new Error('busy') })
    expect(await pick(selector)).to.equal(b)
    expect(notes).to.deep.equal([`sticky: ${short(a)} is overloaded (graylisted for 180 s); switched to ${short(b)}`])
    expect(await pick(selector)).to.equal(b)
  })

  it('behavior: the back-off doubles with each failure in a row, up to maxBackoffMs, and a success ends the streak', async () => {
    const selector = sticky({ maxFailures: 100, backoffMs: 1000, maxBackoffMs: 4000 })
    expect(await pick(selector)).to.equal(a)
    /** How long `a` is left alone after one more failure now. */
    async function backoffAfterFailure (): Promise<number> {
      selector.reportFailure(mail, a)
      let waited = 0
      while (await pick(selector) !== a) {
        clock.advance(250)
        waited += 250
      }
      return waited
    }
    expect([await backoffAfterFailure(), await backoffAfterFailure(), await backoffAfterFailure(), await backoffAfterFailure()])
      .to.deep.equal([1000, 2000, 4000, 4000])
    selector.reportSuccess(mail, a)
    expect(await backoffAfterFailure()).to.equal(1000)
  })

  it('behavior: when every candidate is graylisted, picks the one whose graylist ends first, and says so', async () => {
    const selector = sticky()
    expect(await pick(selector, [a, b])).to.equal(a)
    selector.reportFailure(mail, a, { overloaded: true })
    clock.advance(5_000)
    expect(await pick(selector, [a, b])).to.equal(b)
    selector.reportFailure(mail, b, { overloaded: true })
    notes = []
    expect(await pick(selector, [b, a])).to.equal(a)
    expect(notes).to.deep.equal([`sticky: ${short(b)} is overloaded (graylisted for 180 s); every candidate is backing off or graylisted; chose ${short(a)}, whose wait ends first (in 175 s)`])
  })

  it('behavior: a current server that is no longer a candidate (lost trust) is replaced, and that is said', async () => {
    const selector = sticky()
    expect(await pick(selector)).to.equal(a)
    expect(await pick(selector, [c, b])).to.equal(c)
    expect(notes).to.deep.equal([`sticky: ${short(a)} is no longer a candidate; switched to ${short(c)}`])
    expect(await pick(selector)).to.equal(c)
  })

  it('behavior: takes context.current as its server when it has none', async () => {
    const selector = sticky()
    expect(await selector.select(mail, candidates, { current: c })).to.equal(c)
    expect(await pick(selector)).to.equal(c)
  })

  it('behavior: state is kept per kind', async () => {
    const selector = sticky()
    expect(await pick(selector)).to.equal(a)
    expect(await selector.select(push, [c, a])).to.equal(c)
    selector.reportFailure(mail, a, { overloaded: true })
    expect(await selector.select(push, [c, a])).to.equal(c)
    // a is graylisted for mailserver only
    const pushNotes: string[] = []
    expect(await selector.select(push, [a], { report: (note) => { pushNotes.push(note) } })).to.equal(a)
    expect(pushNotes).to.deep.equal([`sticky: ${short(c)} is no longer a candidate; switched to ${short(a)}`])
    expect(await pick(selector, [a])).to.equal(a)
    expect(notes).to.have.length(1)
    expect(notes[0]).to.include('every candidate is backing off or graylisted')
  })

  it('behavior: passes failure and success reports to the inner selector; its name shows the inner one', () => {
    const inner = new FirstSelector()
    const selector = new StickyFailoverSelector({ inner })
    selector.reportFailure(mail, a, { overloaded: true })
    selector.reportSuccess(mail, b)
    expect(inner.failures).to.deep.equal([{ nodeId: a.resource.nodeId, failure: { overloaded: true } }])
    expect(inner.successes).to.deep.equal([b.resource.nodeId])
    expect(selector.name).to.equal('sticky>first')
    expect(new StickyFailoverSelector().name).to.equal('sticky')
  })

  it('error: options out of range give InvalidConfigurationError naming the option', () => {
    expect(() => new StickyFailoverSelector({ maxFailures: 0 })).to.throw(InvalidConfigurationError, /StickyFailoverSelector\.maxFailures/)
    expect(() => new StickyFailoverSelector({ backoffMs: 0 })).to.throw(InvalidConfigurationError, /backoffMs/)
    expect(() => new StickyFailoverSelector({ graylistMs: -5 })).to.throw(InvalidConfigurationError, /graylistMs/)
  })
})
