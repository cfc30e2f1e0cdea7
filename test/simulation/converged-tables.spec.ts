import { randomBytes } from 'node:crypto'
import { commonPrefixLength as commonPrefix } from '@resource-discovery/discv5'
import { expect } from 'chai'
import { convergedTables } from '../../bench/discovery/converged-tables.js'

describe('simulation: converged Kademlia tables (bench/discovery/converged-tables.ts)', function () {
  it('behavior: each node gets min(k, all) distinct others at every common prefix length, never itself', function () {
    const ids = Array.from({ length: 400 }, () => randomBytes(32))
    const k = 8
    const tables = convergedTables(ids, k)
    ids.forEach((id, index) => {
      const table = tables[index] ?? []
      expect(new Set(table).size, 'distinct').to.equal(table.length)
      expect(table).to.not.include(index)
      const want = new Map<number, number>()
      const got = new Map<number, number>()
      ids.forEach((other, otherIndex) => {
        if (otherIndex !== index) {
          const cpl = commonPrefix(id, other)
          want.set(cpl, (want.get(cpl) ?? 0) + 1)
        }
      })
      for (const other of table) {
        const cpl = commonPrefix(id, ids[other] ?? new Uint8Array())
        got.set(cpl, (got.get(cpl) ?? 0) + 1)
      }
      for (const [cpl, count] of want) {
        expect(got.get(cpl) ?? 0, `node ${index}, prefix ${cpl}`).to.equal(Math.min(k, count))
      }
      expect([...got.keys()].every((cpl) => want.has(cpl))).to.equal(true)
    })
  })

  it('behavior: the picks within a distance are random, and a seeded random makes them reproducible', function () {
    const ids = Array.from({ length: 200 }, () => randomBytes(32))
    const seeded = (seed: number): (() => number) => () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31 }
    expect(convergedTables(ids, 4, seeded(7))).to.deep.equal(convergedTables(ids, 4, seeded(7)))
    expect(convergedTables(ids, 4, seeded(7))).to.not.deep.equal(convergedTables(ids, 4, seeded(8)))
  })
})
