import { expect } from 'chai'
import type { KindView, ResourceView, VerdictView } from '../src/page/api/views.js'
import { serverRows } from '../src/page/sections/server-rows.js'

const NOW = '2025-01-01T12:00:00.000Z'

function resource (digit: string): ResourceView {
  return {
    kind: 'mailserver',
    nodeId: digit.repeat(64),
    peerId: `16Uiu2HAm${digit}`,
    multiaddrs: [],
    enr: null,
    seq: null,
    origin: 'discv5',
    firstSeen: NOW,
    lastSeen: NOW
  }
}

function verdict (digit: string, trusted: boolean): VerdictView {
  return { ...resource(digit), trusted, provider: trusted ? '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' : null, reason: trusted ? 'registered' : 'not registered', rejection: trusted ? null : { code: 'not-registered', providers: [] }, verifier: 'registry', latencyMs: null, connectMs: null, latencyAt: null }
}

function kind (selected: string | null): KindView {
  return {
    name: 'mailserver',
    kindId: `0x${'0'.repeat(64)}`,
    topic: 'mailserver',
    protocols: [],
    description: '',
    counts: { discovered: 0, verified: 0, rejected: 0 },
    selector: 'random',
    selected,
    sources: [{ name: 'static', description: null }]
  }
}

describe('serverRows', () => {
  it('behavior: puts the selected server first, then verified, awaiting and rejected ones, each in node id order', () => {
    const rows = serverRows(kind('3'.repeat(64)), [verdict('4', false), verdict('2', true), verdict('3', true), verdict('1', false)], [resource('5')])
    expect(rows.map((row) => [row.resource.nodeId[0], row.status, row.selected])).to.deep.equal([
      ['3', 'verified', true],
      ['2', 'verified', false],
      ['5', 'discovered', false],
      ['1', 'rejected', false],
      ['4', 'rejected', false]
    ])
  })

  it('behavior: a server awaiting a verdict that the list already judged shows once, with its verdict', () => {
    const rows = serverRows(kind(null), [verdict('1', false)], [resource('1')])
    expect(rows).to.have.length(1)
    expect(rows[0]?.status).to.equal('rejected')
    expect(rows[0]?.verdict?.reason).to.equal('not registered')
  })

  it('behavior: nothing is selected while the kind has no selection', () => {
    const rows = serverRows(kind(null), [verdict('1', true)], [])
    expect(rows.map((row) => row.selected)).to.deep.equal([false])
  })
})
