import { expect } from 'chai'
import { delay, LifecycleGuard } from '../../src/index.js'

/** A service whose start and stop take a moment and are counted. */
function service () {
  const guard = new LifecycleGuard()
  const state = { started: false, starts: 0, stops: 0, failNextStart: false }
  return {
    state,
    start: async () => {
      await guard.start(() => state.started, async () => {
        state.starts++
        await delay(20)
        if (state.failNextStart) {
          state.failNextStart = false
          throw new Error('bind failed')
        }
        state.started = true
      })
    },
    stop: async () => {
      await guard.stop(async () => {
        state.stops++
        await delay(20)
        state.started = false
      })
    }
  }
}

describe('LifecycleGuard', () => {
  it('behavior: concurrent starts share one start, and a started service is not started again', async () => {
    const target = service()
    await Promise.all([target.start(), target.start(), target.start()])
    await target.start()
    expect(target.state).to.include({ started: true, starts: 1 })
  })

  it('behavior: a stop waits for the start under way, then stops', async () => {
    const target = service()
    const starting = target.start()
    await target.stop()
    await starting
    expect(target.state).to.include({ started: false, starts: 1, stops: 1 })
  })

  it('behavior: a start waits for the stop under way, then starts again', async () => {
    const target = service()
    await target.start()
    const stopping = target.stop()
    await target.start()
    await stopping
    expect(target.state).to.include({ started: true, starts: 2, stops: 1 })
  })

  it('behavior: concurrent stops share one stop', async () => {
    const target = service()
    await target.start()
    await Promise.all([target.stop(), target.stop()])
    expect(target.state.stops).to.equal(1)
  })

  it('error: a failed start is reported to every caller and the next start tries again', async () => {
    const target = service()
    target.state.failNextStart = true
    const results = await Promise.allSettled([target.start(), target.start()])
    expect(results.map((result) => result.status)).to.deep.equal(['rejected', 'rejected'])
    await target.stop()
    await target.start()
    expect(target.state).to.include({ started: true, starts: 2 })
  })
})
