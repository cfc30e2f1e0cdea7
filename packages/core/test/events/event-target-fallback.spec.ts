import { expect } from 'chai'
import { FallbackCustomEvent, FallbackEventTarget } from '../../src/events/event-target-fallback.js'

/** A fallback event as the target's methods type it. */
function event (type: string, detail?: unknown): Event {
  return new FallbackCustomEvent(type, { detail }) as unknown as Event
}

describe('FallbackEventTarget', () => {
  it('behavior: calls the listeners of the type in the order added, functions and handleEvent objects, each once', () => {
    const target = new FallbackEventTarget()
    const calls: string[] = []
    const first = (e: Event): void => { calls.push(`first ${String((e as unknown as FallbackCustomEvent).detail)}`) }
    target.addEventListener('a', first)
    target.addEventListener('a', { handleEvent: () => { calls.push('object') } })
    target.addEventListener('a', first)
    target.addEventListener('b', () => { calls.push('b') })
    expect(target.dispatchEvent(event('a', 7))).to.equal(true)
    expect(calls).to.deep.equal(['first 7', 'object'])
  })

  it('behavior: once, removal, a signal, and a listener removed by an earlier one', () => {
    const target = new FallbackEventTarget()
    const calls: string[] = []
    const controller = new AbortController()
    const removed = (): void => { calls.push('removed') }
    target.addEventListener('a', () => { calls.push('once') }, { once: true })
    target.addEventListener('a', () => { calls.push('signalled') }, { signal: controller.signal })
    target.addEventListener('a', () => { target.removeEventListener('a', removed) })
    target.addEventListener('a', removed)
    target.dispatchEvent(event('a'))
    expect(calls).to.deep.equal(['once', 'signalled'])
    controller.abort()
    target.dispatchEvent(event('a'))
    expect(calls).to.deep.equal(['once', 'signalled'])
  })

  it('behavior: a throwing listener does not stop the others; its error is thrown from a timer', async () => {
    const target = new FallbackEventTarget()
    const calls: string[] = []
    target.addEventListener('a', () => { throw new Error('listener failed') })
    target.addEventListener('a', () => { calls.push('second') })
    // mocha fails a test on an uncaught exception: hold its handlers back while this one is expected
    const mochaHandlers = process.listeners('uncaughtException')
    process.removeAllListeners('uncaughtException')
    const reported = new Promise<Error>((resolve) => { process.once('uncaughtException', resolve) })
      .finally(() => { mochaHandlers.forEach((handler) => process.on('uncaughtException', handler)) })
    target.dispatchEvent(event('a'))
    expect(calls).to.deep.equal(['second'])
    expect(await reported).to.have.property('message', 'listener failed')
  })

  it('behavior: preventDefault makes dispatchEvent return false', () => {
    const target = new FallbackEventTarget()
    target.addEventListener('a', (e) => { e.preventDefault() })
    expect(target.dispatchEvent(event('a'))).to.equal(false)
  })
})
