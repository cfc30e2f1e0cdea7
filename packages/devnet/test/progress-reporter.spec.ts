import { expect } from 'chai'
import type { LocalNetworkProgress } from '../src/local-network-progress.js'
import { ProgressReporter } from '../src/progress-reporter.js'

describe('ProgressReporter', () => {
  it('behavior: adds the step\'s duration and the time since the reporter was made', () => {
    const events: LocalNetworkProgress[] = []
    const reporter = new ProgressReporter((event) => { events.push(event) })
    reporter.report({ type: 'bootnode:started', nodeId: 'ab', enr: 'enr:-' }, performance.now() - 1000)
    expect(events).to.have.length(1)
    const [event] = events
    expect(event).to.include({ type: 'bootnode:started', nodeId: 'ab', enr: 'enr:-' })
    expect(event?.durationMs).to.be.within(1000, 1500)
    expect(event?.elapsedMs).to.be.within(0, 500)
  })

  it('error: a listener that throws is ignored', () => {
    const reporter = new ProgressReporter(() => { throw new Error('the listener broke') })
    expect(() => { reporter.report({ type: 'network:ready', providers: 0, servers: 0 }, performance.now()) }).to.not.throw()
    expect(() => { new ProgressReporter(undefined).report({ type: 'network:ready', providers: 0, servers: 0 }, performance.now()) }).to.not.throw()
  })
})
