import { expect } from 'chai'
import { LruMap } from '../../src/index.js'

describe('LruMap', () => {
  it('behavior: holds at most maxSize entries, forgetting the least recently set first', () => {
    const map = new LruMap<string, number>(3)
    for (const [index, key] of ['a', 'b', 'c', 'd', 'e'].entries()) map.set(key, index)
    expect([...map]).to.deep.equal([['c', 2], ['d', 3], ['e', 4]])
    expect(map.size).to.equal(3)
  })

  it('behavior: setting a key again moves it to the end, so it outlives the keys set since', () => {
    const map = new LruMap<string, number>(2)
    map.set('a', 1).set('b', 2).set('a', 3)
    expect([...map.keys()]).to.deep.equal(['b', 'a'])
    map.set('c', 4)
    expect([...map]).to.deep.equal([['a', 3], ['c', 4]])
  })

  it('behavior: get and has leave the order alone', () => {
    const map = new LruMap<string, number>(2)
    map.set('a', 1).set('b', 2)
    expect(map.get('a')).to.equal(1)
    expect(map.has('a')).to.equal(true)
    map.set('c', 3)
    expect([...map.keys()]).to.deep.equal(['b', 'c'])
  })

  it('behavior: maxSize 0 holds nothing, Infinity holds everything', () => {
    const none = new LruMap<number, number>(0)
    const all = new LruMap<number, number>(Number.POSITIVE_INFINITY)
    for (let index = 0; index < 100; index++) {
      none.set(index, index)
      all.set(index, index)
    }
    expect(none.size).to.equal(0)
    expect(all.size).to.equal(100)
  })

  it('behavior: it is a Map: delete, clear, and deleting while iterating work as usual', () => {
    const map = new LruMap<number, number>(10)
    for (let index = 0; index < 10; index++) map.set(index, index)
    expect(map).to.be.instanceOf(Map)
    for (const [key, value] of map) {
      if (value % 2 === 0) map.delete(key)
    }
    expect([...map.keys()]).to.deep.equal([1, 3, 5, 7, 9])
    // room freed by delete is used before anything is forgotten
    for (let index = 10; index < 15; index++) map.set(index, index)
    expect(map.size).to.equal(10)
    expect(map.has(1)).to.equal(true)
    map.clear()
    expect(map.size).to.equal(0)
    expect(map.maxSize).to.equal(10)
  })

  it('behavior: under any mix of set, delete and clear it holds what a plain least-recently-set list holds', () => {
    const map = new LruMap<number, number>(50)
    /** The model: keys, least recently set first. */
    let model: Array<[number, number]> = []
    let seed = 1
    for (let step = 0; step < 20_000; step++) {
      seed = (seed * 48_271) % 2_147_483_647
      const key = seed % 200
      if (seed % 13 === 0) {
        map.delete(key)
        model = model.filter(([known]) => known !== key)
      } else if (seed % 1_999 === 0) {
        map.clear()
        model = []
      } else {
        map.set(key, step)
        model = [...model.filter(([known]) => known !== key), [key, step] as [number, number]].slice(-50)
      }
      if (step % 100 === 0 || step > 19_900) {
        expect([...map]).to.deep.equal(model)
      }
    }
  })

  it('args: a negative or NaN maxSize is refused with a RangeError', () => {
    expect(() => new LruMap(-1)).to.throw(RangeError, /maxSize must be a number not below 0, got -1/)
    expect(() => new LruMap(Number.NaN)).to.throw(RangeError, /maxSize/)
  })
})
