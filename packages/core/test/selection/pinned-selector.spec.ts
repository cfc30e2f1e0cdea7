import { createTrustedVerdict, selectorTests } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { defineResourceKind, InvalidConfigurationError, PinnedSelector, RandomSelector, type TrustedVerdict } from '../../src/index.js'
import { FakeProbe, FirstSelector } from './fakes.js'

const mail = defineResourceKind({ name: 'mailserver' })
const push = defineResourceKind({ name: 'push' })

function verdicts (count: number): TrustedVerdict[] {
  return Array.from({ length: count }, () => createTrustedVerdict(mail))
}

const short = (verdict: TrustedVerdict | undefined): string => verdict!.resource.nodeId.slice(0, 8)

describe('PinnedSelector', () => {
  selectorTests({
    setup: async () => {
      const candidates = verdicts(5)
      const probe = new FakeProbe()
      return { selector: new PinnedSelector({ nodeIds: [candidates[3]!.resource.nodeId], probe }), kind: mail, candidates }
    },
    teardown: async () => {}
  })

  it('behavior: a verified pinned server wins every time, with nothing to report', async () => {
    const candidates = verdicts(5)
    const notes: string[] = []
    const selector = new PinnedSelector({ nodeIds: [`0x${candidates[3]!.resource.nodeId.toUpperCase()}`] })
    for (let pick = 0; pick < 50; pick++) {
      expect(await selector.select(mail, candidates, { report: (note) => { notes.push(note) } })).to.equal(candidates[3])
    }
    expect(notes).to.deep.equal([])
  })

  it('behavior: a pinned server that is not verified falls back, and says so', async () => {
    const candidates = verdicts(3)
    const unverified = createTrustedVerdict(mail)
    const fallback = new FirstSelector()
    const notes: string[] = []
    const selected = await new PinnedSelector({ nodeIds: [unverified.resource.nodeId], fallback })
      .select(mail, candidates, { report: (note) => { notes.push(note) } })
    expect(selected).to.equal(candidates[0])
    expect(fallback.given).to.deep.equal([candidates])
    expect(notes).to.deep.equal([`pinned ${short(unverified)} is not a verified candidate; fell back to first`])
  })

  it('behavior: with a probe, a pinned server must answer: unreachable, it falls back (never to it), and says so', async () => {
    const candidates = verdicts(3)
    const probe = new FakeProbe()
    const selector = new PinnedSelector({ nodeIds: [candidates[0]!.resource.nodeId], probe, fallback: new FirstSelector() })
    expect(await selector.select(mail, candidates)).to.equal(candidates[0])

    const down = new FakeProbe()
    down.unreachable.add(candidates[0]!.resource.nodeId)
    const notes: string[] = []
    const fallback = new FirstSelector()
    const selected = await new PinnedSelector({ nodeIds: [candidates[0]!.resource.nodeId], probe: down, fallback })
      .select(mail, candidates, { report: (note) => { notes.push(note) } })
    expect(selected).to.equal(candidates[1])
    expect(fallback.given).to.deep.equal([candidates.slice(1)])
    expect(notes).to.deep.equal([`pinned ${short(candidates[0])} is not reachable; fell back to first`])
    // only the pinned servers are measured
    expect(down.calls.map((call) => call.nodeId)).to.deep.equal([candidates[0]!.resource.nodeId])
  })

  it('behavior: pins are tried in the order given; a later pin is used when the first cannot be, and that is said', async () => {
    const candidates = verdicts(4)
    const probe = new FakeProbe()
    probe.unreachable.add(candidates[2]!.resource.nodeId)
    const unverified = createTrustedVerdict(mail)
    const notes: string[] = []
    const selector = new PinnedSelector({ nodeIds: [unverified.resource.nodeId, candidates[2]!.resource.nodeId, candidates[1]!.resource.nodeId, candidates[0]!.resource.nodeId], probe })
    expect(await selector.select(mail, candidates, { report: (note) => { notes.push(note) } })).to.equal(candidates[1])
    expect(notes).to.deep.equal([`pinned ${short(unverified)} is not a verified candidate, pinned ${short(candidates[2])} is not reachable; using pinned ${short(candidates[1])}`])
  })

  it('args: pins per kind apply to their kind only', async () => {
    const candidates = verdicts(3)
    const selector = new PinnedSelector({ nodeIds: { push: [candidates[2]!.resource.nodeId] }, fallback: new FirstSelector() })
    expect(await selector.select(push, candidates)).to.equal(candidates[2])
    const notes: string[] = []
    expect(await selector.select(mail, candidates, { report: (note) => { notes.push(note) } })).to.equal(candidates[0])
    expect(notes, 'a kind without pins is no fallback worth a note').to.deep.equal([])
  })

  it('behavior: passes failure and success reports to the fallback; its name shows the fallback', () => {
    const fallback = new FirstSelector()
    const [verdict] = verdicts(1)
    const selector = new PinnedSelector({ nodeIds: [], fallback })
    selector.reportFailure(mail, verdict!, { error: 'x' })
    selector.reportSuccess(mail, verdict!)
    expect(fallback.failures).to.have.length(1)
    expect(fallback.successes).to.have.length(1)
    expect(selector.name).to.equal('pinned>first')
    expect(new PinnedSelector({ nodeIds: [], fallback: new RandomSelector() }).name).to.equal('pinned>random')
  })

  it('error: a malformed node id gives InvalidConfigurationError naming where it is', () => {
    expect(() => new PinnedSelector({ nodeIds: ['1a2b'] })).to.throw(InvalidConfigurationError, /PinnedSelector\.nodeIds\[0\].*"1a2b" is not a node id/)
    expect(() => new PinnedSelector({ nodeIds: { mailserver: ['zz'] } })).to.throw(InvalidConfigurationError, /PinnedSelector\.nodeIds\.mailserver\[0\]/)
  })
})
