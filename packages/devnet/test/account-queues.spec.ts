import { rejection } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { AccountQueues, nodeQueue } from '../src/account-queues.js'

/** A task that records its start and end in `log` and finishes when `release` is called. */
function gatedTask (log: string[], name: string): { task: () => Promise<string>, release: () => void } {
  const gate = Promise.withResolvers<undefined>()
  return {
    task: async () => {
      log.push(`${name} start`)
      await gate.promise
      log.push(`${name} end`)
      return name
    },
    release: () => { gate.resolve(undefined) }
  }
}

/** Lets every pending promise callback run. */
async function settle (): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve))
}

/** Gives `queues` two gated tasks, the first on `firstAccount`, the second on `secondAccount`, and lets them start if they may. */
async function twoTasks (queues: AccountQueues, firstAccount: string, secondAccount: string): Promise<{ log: string[], release: (name: 'first' | 'second') => void, results: Promise<string[]> }> {
  const log: string[] = []
  const tasks = { first: gatedTask(log, 'first'), second: gatedTask(log, 'second') }
  const results = Promise.all([queues.run(firstAccount, tasks.first.task), queues.run(secondAccount, tasks.second.task)])
  await settle()
  return { log, release: (name) => { tasks[name].release() }, results }
}

describe('AccountQueues', () => {
  it('behavior: one account\'s tasks run one at a time, in the order given', async () => {
    const { log, release, results } = await twoTasks(new AccountQueues(), '0xa', '0xa')
    expect(log).to.deep.equal(['first start'])
    // released first, the second task still waits for the first to end
    release('second')
    await settle()
    expect(log).to.deep.equal(['first start'])
    release('first')
    expect(await results).to.deep.equal(['first', 'second'])
    expect(log).to.deep.equal(['first start', 'first end', 'second start', 'second end'])
  })

  it('behavior: tasks of different accounts run concurrently', async () => {
    const { log, release, results } = await twoTasks(new AccountQueues(), '0xa', '0xb')
    expect(log).to.deep.equal(['first start', 'second start'])
    release('second')
    release('first')
    expect(await results).to.deep.equal(['first', 'second'])
  })

  it('error: a task that fails rejects its own call and does not hold up the next one', async () => {
    const queues = new AccountQueues()
    const failing = queues.run('0xa', async () => { throw new Error('reverted') })
    const next = queues.run('0xa', async () => 'mined')
    const err = await rejection(failing)
    expect(err).to.be.instanceOf(Error).with.property('message', 'reverted')
    expect(await next).to.equal('mined')
  })
})

describe('nodeQueue', () => {
  it('behavior: names a queue by the node of the key, the same for the same key and another for another key', () => {
    const key = new Uint8Array(32).fill(1)
    expect(nodeQueue(key)).to.match(/^node:0x[0-9a-f]{64}$/)
    expect(nodeQueue(Uint8Array.from(key))).to.equal(nodeQueue(key))
    expect(nodeQueue(new Uint8Array(32).fill(2))).to.not.equal(nodeQueue(key))
  })
})
