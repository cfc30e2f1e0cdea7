import { createNodeRecord, createResource, discovererTests } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { defineResourceKind, delay, DiscoveryFailedError, MergedDiscoverer, StaticDiscoverer, type Discoverer, type Resource, type ResourceKind } from '../../src/index.js'

const mail = defineResourceKind({ name: 'mailserver' })

/** A discoverer that yields `resources` one every `intervalMs`, or fails. */
function timedDiscoverer (name: string, resources: readonly Resource[], intervalMs: number, failWith?: Error): Discoverer {
  return {
    name,
    async * discover (_kind: ResourceKind, options = {}) {
      for (const resource of resources) {
        await delay(intervalMs, options)
        yield resource
      }
      if (failWith !== undefined) {
        throw failWith
      }
    }
  }
}

async function collect (discoverer: Discoverer): Promise<Resource[]> {
  const found: Resource[] = []
  for await (const resource of discoverer.discover(mail)) {
    found.push(resource)
  }
  return found
}

describe('MergedDiscoverer', () => {
  discovererTests({
    setup: async () => {
      const records = [createNodeRecord(), createNodeRecord(), createNodeRecord()]
      const other = createNodeRecord()
      const first = new StaticDiscoverer(undefined, { servers: [records[0], records[1]].map((record) => ({ kind: 'mailserver', address: record?.enr ?? '' })) })
      const second = new StaticDiscoverer(undefined, {
        servers: [
          { kind: 'mailserver', address: records[1]?.enr ?? '' },
          { kind: 'mailserver', address: records[2]?.enr ?? '' },
          { kind: 'push', address: other.enr }
        ]
      })
      return { discoverer: new MergedDiscoverer([first, second]), kind: mail, expected: records.map((record) => record.nodeId), others: [other.nodeId] }
    },
    teardown: async () => {}
  })

  it('behavior: yields from a fast source while a slow one is still working', async () => {
    const fast = createResource(mail)
    const slow = createResource(mail)
    const merged = new MergedDiscoverer([timedDiscoverer('slow', [slow], 300), timedDiscoverer('fast', [fast], 10)])
    const started = Date.now()
    const iterator = merged.discover(mail)[Symbol.asyncIterator]()
    const first = await iterator.next()
    expect(first.value).to.equal(fast)
    expect(Date.now() - started).to.be.below(250)
    expect((await iterator.next()).value).to.equal(slow)
    expect((await iterator.next()).done).to.equal(true)
  })

  it('behavior: a failing source is dropped and the others go on', async () => {
    const good = createResource(mail)
    const failing = createResource(mail)
    const merged = new MergedDiscoverer([timedDiscoverer('broken', [failing], 5, new Error('socket closed')), timedDiscoverer('good', [good], 20)])
    const found = await collect(merged)
    expect(found.map((resource) => resource.nodeId)).to.have.members([failing.nodeId, good.nodeId])
  })

  it('error: every source failing gives DiscoveryFailedError with each cause', async () => {
    const merged = new MergedDiscoverer([
      timedDiscoverer('a', [], 1, new Error('bootnodes unreachable')),
      timedDiscoverer('b', [], 1, new Error('no route'))
    ])
    try {
      await collect(merged)
      expect.fail('expected DiscoveryFailedError')
    } catch (err) {
      expect(err).to.be.instanceOf(DiscoveryFailedError)
      expect([...(err as DiscoveryFailedError).errors.keys()]).to.have.members(['a', 'b'])
      expect((err as Error).message).to.contain('bootnodes unreachable')
    }
  })

  it('behavior: with no sources a pass is empty', async () => {
    expect(await collect(new MergedDiscoverer())).to.deep.equal([])
  })

  it('behavior: stopping early closes every source', async () => {
    let closed = 0
    const endless = (name: string): Discoverer => ({
      name,
      async * discover () {
        try {
          for (;;) {
            await delay(5)
            yield createResource(mail)
          }
        } finally {
          closed++
        }
      }
    })
    const merged = new MergedDiscoverer([endless('a'), endless('b')])
    let seen = 0
    for await (const _resource of merged.discover(mail)) {
      if (++seen === 3) {
        break
      }
    }
    expect(closed).to.equal(2)
  })
})
