import { AbortError } from '@resource-discovery/core'
import { rejection } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { LocalNetworkStartError } from '../src/errors.js'
import { allOf, StartAttempt } from '../src/start-attempt.js'

/** A part that ends only when `signal` aborts, failing with the abort's reason (as a well-behaved part does). */
async function untilAborted (signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => { reject(new AbortError('the part was cut short')) }, { once: true })
  })
}

describe('StartAttempt', () => {
  it('behavior: the first part to fail is blamed, aborts the others, and their failures are not blamed', async () => {
    const attempt = new StartAttempt(undefined)
    const cause = new Error('anvil is missing')
    const slow = attempt.part('bootnode', async () => untilAborted(attempt.signal))
    const failing = attempt.part('chain', async () => { throw cause })
    const results = await Promise.allSettled([slow, failing])
    expect(results.map((result) => result.status)).to.deep.equal(['rejected', 'rejected'])
    expect(attempt.signal.aborted).to.equal(true)
    const err = attempt.error(new Error('fallback'))
    expect(err).to.be.instanceOf(LocalNetworkStartError)
    expect((err as LocalNetworkStartError).part).to.equal('chain')
    expect((err as LocalNetworkStartError).cause).to.equal(cause)
    attempt.dispose()
  })

  it('behavior: a part is not run once the attempt is aborted', async () => {
    const attempt = new StartAttempt(undefined)
    await attempt.part('chain', async () => { throw new Error('failed') }).catch(() => undefined)
    let ran = false
    const err = await rejection(attempt.part('registry', async () => { ran = true }))
    expect(ran).to.equal(false)
    expect(err).to.be.instanceOf(Error)
    attempt.dispose()
  })

  it('behavior: without a failing part, the error is the fallback', () => {
    const attempt = new StartAttempt(undefined)
    const fallback = new Error('thrown outside any part')
    expect(attempt.error(fallback)).to.equal(fallback)
    attempt.dispose()
  })

  it('error: the caller\'s abort aborts the attempt and wins over any part\'s failure', async () => {
    const controller = new AbortController()
    const attempt = new StartAttempt(controller.signal)
    const slow = attempt.part('server mail-1', async () => untilAborted(attempt.signal))
    controller.abort()
    await slow.catch(() => undefined)
    expect(attempt.signal.aborted).to.equal(true)
    expect(attempt.error(new Error('fallback'))).to.be.instanceOf(AbortError)
    attempt.dispose()
  })

  it('error: a signal aborted already aborts the attempt at once', () => {
    const attempt = new StartAttempt(AbortSignal.abort())
    expect(attempt.signal.aborted).to.equal(true)
    expect(attempt.error(undefined)).to.be.instanceOf(AbortError)
    attempt.dispose()
  })

  it('behavior: once disposed, the caller\'s abort no longer reaches the attempt', () => {
    const controller = new AbortController()
    const attempt = new StartAttempt(controller.signal)
    attempt.dispose()
    controller.abort()
    expect(attempt.signal.aborted).to.equal(false)
  })
})

describe('StartAttempt signal', () => {
  it('behavior: dozens of concurrent steps may listen to the attempt\'s signal without a MaxListenersExceededWarning', async () => {
    const warnings: Error[] = []
    const onWarning = (warning: Error): void => { warnings.push(warning) }
    process.on('warning', onWarning)
    try {
      const attempt = new StartAttempt(undefined)
      const listeners = Array.from({ length: 40 }, () => () => {})
      for (const listener of listeners) attempt.signal.addEventListener('abort', listener)
      // Node.js emits the warning on a later tick
      await new Promise((resolve) => setTimeout(resolve, 20))
      for (const listener of listeners) attempt.signal.removeEventListener('abort', listener)
      attempt.dispose()
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings.map((warning) => warning.name)).to.not.include('MaxListenersExceededWarning')
  })
})

describe('allOf', () => {
  it('behavior: waits for every task before it throws the first failure in the order given', async () => {
    const late = Promise.withResolvers<string>()
    let lateSettled = false
    const outcome = allOf([
      late.promise.finally(() => { lateSettled = true }),
      Promise.reject(new Error('first')),
      Promise.reject(new Error('second'))
    ]).then(() => undefined, (reason: unknown) => ({ reason, lateSettled }))
    await new Promise((resolve) => setImmediate(resolve))
    late.resolve('done')
    const rejected = await outcome
    // the late task had settled by the time allOf rejected
    expect(rejected?.lateSettled).to.equal(true)
    expect(rejected?.reason).to.be.instanceOf(Error).with.property('message', 'first')
  })

  it('behavior: returns every result in the order given', async () => {
    const [text, count] = await allOf([Promise.resolve('a'), Promise.resolve(2)])
    expect([text, count]).to.deep.equal(['a', 2])
  })
})
