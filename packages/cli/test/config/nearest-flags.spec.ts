import { expect } from 'chai'
import { editDistance, nearestFlags } from '../../src/config/nearest-flags.js'

const SERVE_FLAGS = ['--help', '--json', '--verbose', '--config', '--log-level', '--host', '--tcp-port', '--udp-port', '--bootnode', '--data-dir', '--option', '--plugin', '--node-key-file', '--key-file']

describe('nearestFlags', () => {
  it('behavior: the edit distance counts insertions, deletions and substitutions', () => {
    expect(editDistance('port', 'http-port')).to.equal(5)
    expect(editDistance('tpc-port', 'tcp-port')).to.equal(2)
    expect(editDistance('', 'abc')).to.equal(3)
    expect(editDistance('same', 'same')).to.equal(0)
  })

  it('behavior: a typo gets the flags at the least distance', () => {
    expect(nearestFlags('--tpc-port', SERVE_FLAGS)).to.deep.equal(['--tcp-port'])
    expect(nearestFlags('--bootnodes', SERVE_FLAGS)).to.deep.equal(['--bootnode'])
    expect(nearestFlags('--JSON', SERVE_FLAGS)).to.deep.equal(['--json'])
  })

  it('behavior: a flag missing a word gets the flags that hold its words, nearest first', () => {
    expect(nearestFlags('--port', SERVE_FLAGS)).to.deep.equal(['--tcp-port', '--udp-port'])
    expect(nearestFlags('--port', ['--http-port', '--host'])).to.deep.equal(['--http-port'])
    expect(nearestFlags('--data-dir-path', SERVE_FLAGS)).to.deep.equal(['--data-dir'])
  })

  it('behavior: nothing close gets no suggestion', () => {
    expect(nearestFlags('--frob', SERVE_FLAGS)).to.deep.equal([])
    expect(nearestFlags('-x', SERVE_FLAGS)).to.deep.equal([])
    expect(nearestFlags('--', SERVE_FLAGS)).to.deep.equal([])
  })
})
