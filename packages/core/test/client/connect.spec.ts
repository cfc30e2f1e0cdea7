import { createNodeRecord, orderedSelector, recordClientEvents } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { ContainerModule } from 'inversify'
import {
  AbortError, createResourceContainer, defineResourceKind, InvalidConfigurationError, isRetryableError, KindSelector, NoReachableResourceError,
  NoTrustedResourceError, ResourceClient, ResourceDiscoveryError, ResourceKindContribution, ResourceOverloadedError, StickyFailoverSelector,
  withFailover, type ConnectionFailure, type ResourceConnector, type SelectionChange, type SelectionFailure, type Selector, type TrustedVerdict
} from '../../src/index.js'

const mail = defineResourceKind({ name: 'mailserver' })

/** A transport failure, retryable as client-host's is. */
class ConnectionFailedError extends ResourceDiscoveryError {
  static override readonly retryable = true
  override readonly name = 'ConnectionFailedError'
  constructor (nodeId: string) { super(`cannot reach ${nodeId.slice(0, 8)}`) }
}

/** An error of the request itself, not of the server. */
class BadQueryError extends ResourceDiscoveryError {
  static override readonly retryable = false
  override readonly name = 'BadQueryError'
  constructor () { super('bad query') }
}

interface FakeClient { nodeId: string }

/** A connector whose connect fails for the node ids in `failing`; records every node id it was asked for. */
function fakeConnector (failing: ReadonlySet<string>, calls: string[], hang = false): ResourceConnector<FakeClient> {
  return {
    kind: 'mailserver',
    async connect (verdict, options = {}) {
      calls.push(verdict.resource.nodeId)
      if (hang) {
        await new Promise((_resolve, reject) => {
          options.signal?.addEventListener('abort', () => { reject(new Error('aborted inside the connector')) }, { once: true })
        })
      }
      if (failing.has(verdict.resource.nodeId)) throw new ConnectionFailedError(verdict.resource.nodeId)
      return { nodeId: verdict.resource.nodeId }
    }
  }
}

describe('ResourceClient.connect', () => {
  let client: ResourceClient | undefined
  let records: Array<ReturnType<typeof createNodeRecord>>
  let ids: string[]

  beforeEach(async () => {
    records = [createNodeRecord(), createNodeRecord(), createNodeRecord()]
    ids = records.map((record) => record.nodeId)
    const selector = orderedSelector(() => ids)
    client = createResourceContainer({
      modules: [new ContainerModule(({ bind }) => {
        bind(ResourceKindContribution).toConstantValue(mail)
        bind(KindSelector).toConstantValue({ kind: 'mailserver', selector })
      })],
      userServers: records.map((record) => ({ kind: 'mailserver', address: record.enr }))
    }).get(ResourceClient)
    await client.start()
  })

  afterEach(async () => {
    await client?.stop()
    client = undefined
  })

  function events (): { failed: ConnectionFailure[], changed: SelectionChange[] } {
    return { failed: recordClientEvents(client!, 'connection:failed'), changed: recordClientEvents(client!, 'selection:changed') }
  }

  it('behavior: connects to the selected server when it works, in one attempt and without failure events', async () => {
    const seen = events()
    const calls: string[] = []
    const result = await client!.connect('mailserver', fakeConnector(new Set(), calls))
    expect(result.client.nodeId).to.equal(ids[0])
    expect(result.verdict.resource.nodeId).to.equal(ids[0])
    expect(result.attempts.map((attempt) => attempt.error)).to.deep.equal([undefined])
    expect(calls).to.deep.equal([ids[0]])
    expect(seen.failed).to.deep.equal([])
    expect(seen.changed).to.deep.equal([])
  })

  it('behavior: falls over to the next verified server in the selector\'s order, emitting connection:failed and selection:changed', async () => {
    const seen = events()
    const calls: string[] = []
    const result = await client!.connect('mailserver', fakeConnector(new Set([ids[0]!, ids[1]!]), calls))
    expect(result.client.nodeId).to.equal(ids[2])
    expect(calls).to.deep.equal(ids)
    expect(result.attempts.map((attempt) => attempt.verdict.resource.nodeId)).to.deep.equal(ids)
    expect(result.attempts[0]?.error).to.be.instanceOf(ConnectionFailedError)
    expect(result.attempts[2]?.error).to.equal(undefined)
    expect(seen.failed.map((failure) => [failure.verdict.resource.nodeId, failure.next?.resource.nodeId, failure.phase, failure.attempt]))
      .to.deep.equal([[ids[0], ids[1], 'connect', 1], [ids[1], ids[2], 'connect', 2]])
    expect((seen.failed[0]?.error as Error).name).to.equal('ConnectionFailedError')
    expect(seen.changed.map((change) => [change.previous?.resource.nodeId, change.current?.resource.nodeId])).to.deep.equal([[ids[0], ids[1]], [ids[1], ids[2]]])
    expect(seen.changed[0]?.reason).to.equal(`${ids[0]!.slice(0, 8)} failed to connect (ConnectionFailedError)`)
  })

  it('error: every server failing gives NoReachableResourceError carrying each attempt\'s error', async () => {
    const seen = events()
    const calls: string[] = []
    try {
      await client!.connect('mailserver', fakeConnector(new Set(ids), calls))
      expect.fail('expected NoReachableResourceError')
    } catch (err) {
      expect(err).to.be.instanceOf(NoReachableResourceError)
      const error = err as NoReachableResourceError
      expect(error.name).to.equal('NoReachableResourceError')
      expect(error.attempts.map((attempt) => attempt.verdict.resource.nodeId)).to.deep.equal(ids)
      expect(error.attempts.every((attempt) => attempt.error instanceof ConnectionFailedError)).to.equal(true)
      expect((error.cause as AggregateError).errors).to.have.length(3)
    }
    expect(calls).to.deep.equal(ids)
    expect(seen.failed).to.have.length(3)
    expect(seen.failed[2]?.next).to.equal(undefined)
    expect(seen.changed).to.have.length(2)
  })

  it('args: maxAttempts bounds how many servers are tried', async () => {
    const calls: string[] = []
    const err = await client!.connect('mailserver', fakeConnector(new Set(ids), calls), { maxAttempts: 2 }).catch((error: unknown) => error)
    expect(err).to.be.instanceOf(NoReachableResourceError)
    expect((err as NoReachableResourceError).attempts).to.have.length(2)
    expect(calls).to.deep.equal(ids.slice(0, 2))
  })

  it('args: a connector of another kind is refused before anything is tried', async () => {
    const calls: string[] = []
    const err = await client!.connect('mailserver', { ...fakeConnector(new Set(), calls), kind: 'push' }).catch((error: unknown) => error)
    expect(err).to.be.instanceOf(InvalidConfigurationError)
    expect(calls).to.deep.equal([])
  })

  it('error: no trusted server gives NoTrustedResourceError, not a connection attempt', async () => {
    const calls: string[] = []
    ids = []
    const empty = createResourceContainer({ modules: [new ContainerModule(({ bind }) => { bind(ResourceKindContribution).toConstantValue(mail) })] }).get(ResourceClient)
    await empty.start()
    try {
      const err = await empty.connect('mailserver', fakeConnector(new Set(), calls)).catch((error: unknown) => error)
      expect(err).to.be.instanceOf(NoTrustedResourceError)
      expect(calls).to.deep.equal([])
    } finally {
      await empty.stop()
    }
  })

  it('behavior: aborting while a connector hangs rejects with AbortError and tries no other server', async () => {
    const seen = events()
    const calls: string[] = []
    const controller = new AbortController()
    const pending = client!.connect('mailserver', fakeConnector(new Set(), calls, true), { signal: controller.signal })
    while (calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    controller.abort()
    const err = await pending.catch((error: unknown) => error)
    expect(err).to.be.instanceOf(AbortError)
    expect(calls).to.deep.equal([ids[0]])
    expect(seen.failed).to.deep.equal([])
  })

  it('behavior: an already aborted signal rejects at once', async () => {
    const calls: string[] = []
    const controller = new AbortController()
    controller.abort()
    const err = await client!.connect('mailserver', fakeConnector(new Set(), calls), { signal: controller.signal }).catch((error: unknown) => error)
    expect(err).to.be.instanceOf(AbortError)
    expect(calls).to.deep.equal([])
  })

  describe('withFailover', () => {
    it('behavior: a retryable request error moves the request to the next server, which answers', async () => {
      const seen = events()
      const ran: string[] = []
      const answer = await withFailover(client!, 'mailserver', fakeConnector(new Set(), []), async (connected, { verdict, attempt }) => {
        ran.push(connected.nodeId)
        expect(verdict.resource.nodeId).to.equal(connected.nodeId)
        expect(attempt).to.equal(ran.length)
        if (connected.nodeId === ids[0]) throw new ConnectionFailedError(connected.nodeId)
        return `answered by ${connected.nodeId}`
      })
      expect(answer).to.equal(`answered by ${ids[1]}`)
      expect(ran).to.deep.equal([ids[0], ids[1]])
      expect(seen.failed.map((failure) => [failure.phase, failure.next?.resource.nodeId])).to.deep.equal([['request', ids[1]]])
      expect(seen.changed[0]?.reason).to.equal(`${ids[0]!.slice(0, 8)} failed a request (ConnectionFailedError)`)
    })

    it('error: a non-retryable request error is thrown at once, as it is, without trying another server', async () => {
      const seen = events()
      const ran: string[] = []
      const err = await withFailover(client!, 'mailserver', fakeConnector(new Set(), []), async (connected) => {
        ran.push(connected.nodeId)
        throw new BadQueryError()
      }).catch((error: unknown) => error)
      expect(err).to.be.instanceOf(BadQueryError)
      expect(ran).to.deep.equal([ids[0]])
      expect(seen.failed).to.deep.equal([])
    })

    it('args: the connector\'s isRetryable decides which request errors move on', async () => {
      const ran: string[] = []
      const connector: ResourceConnector<FakeClient> = { ...fakeConnector(new Set(), []), isRetryable: (error) => error instanceof BadQueryError }
      const answer = await withFailover(client!, 'mailserver', connector, async (connected) => {
        ran.push(connected.nodeId)
        if (ran.length === 1) throw new BadQueryError()
        return connected.nodeId
      })
      expect(answer).to.equal(ids[1])
      const notRetried = await withFailover(client!, 'mailserver', connector, async () => {
        throw new ConnectionFailedError(ids[0]!)
      }).catch((error: unknown) => error)
      expect(notRetried).to.be.instanceOf(ConnectionFailedError)
    })

    it('error: a request is never reported done when every server failed: the error lists every attempt', async () => {
      const done: string[] = []
      const err = await withFailover(client!, 'mailserver', fakeConnector(new Set([ids[1]!]), []), async (connected) => {
        throw new ConnectionFailedError(connected.nodeId)
      }).then((value) => { done.push(String(value)) }, (error: unknown) => error)
      expect(done).to.deep.equal([])
      expect(err).to.be.instanceOf(NoReachableResourceError)
      const attempts = (err as NoReachableResourceError).attempts
      expect(attempts.map((attempt) => attempt.verdict.resource.nodeId)).to.deep.equal(ids)
      expect(attempts.every((attempt) => attempt.error instanceof ConnectionFailedError)).to.equal(true)
    })

    it('args: verified skips discovery and fails over among the servers given', async () => {
      const verified = (await client!.find('mailserver')).verified
      const chosen: TrustedVerdict[] = verified.filter((verdict) => verdict.resource.nodeId !== ids[0])
      const ran: string[] = []
      const answer = await withFailover(client!, 'mailserver', fakeConnector(new Set([ids[1]!]), []), async (connected) => {
        ran.push(connected.nodeId)
        return connected.nodeId
      }, { verified: chosen })
      expect(answer).to.equal(ids[2])
      expect(ran).to.deep.equal([ids[2]])
    })
  })
})

/** The ordered selector, recording the reports it is given. */
class RecordingSelector implements Selector {
  readonly name = 'recording'
  readonly reports: Array<[string, string, SelectionFailure?]> = []
  readonly #inner: Selector

  constructor (order: () => readonly string[]) {
    this.#inner = orderedSelector(order)
  }

  async select (...args: Parameters<Selector['select']>): Promise<TrustedVerdict | undefined> {
    return this.#inner.select(...args)
  }

  reportFailure (kind: { name: string }, verdict: TrustedVerdict, failure?: SelectionFailure): void {
    expect(kind.name).to.equal('mailserver')
    this.reports.push(['failure', verdict.resource.nodeId, failure])
  }

  reportSuccess (kind: { name: string }, verdict: TrustedVerdict): void {
    expect(kind.name).to.equal('mailserver')
    this.reports.push(['success', verdict.resource.nodeId])
  }
}

/** An error a plugin's client raises for its own "overloaded" answer. */
class BusyError extends ResourceDiscoveryError {
  override readonly name = 'BusyError'
  constructor () { super('busy') }
}

describe('ResourceClient.connect: feedback to the kind\'s selector', () => {
  let client: ResourceClient | undefined
  let ids: string[]

  async function startClient (selector: Selector): Promise<ResourceClient> {
    const records = [createNodeRecord(), createNodeRecord(), createNodeRecord()]
    ids = records.map((record) => record.nodeId)
    client = createResourceContainer({
      modules: [new ContainerModule(({ bind }) => {
        bind(ResourceKindContribution).toConstantValue(mail)
        bind(KindSelector).toConstantValue({ kind: 'mailserver', selector })
      })],
      userServers: records.map((record) => ({ kind: 'mailserver', address: record.enr }))
    }).get(ResourceClient)
    await client.start()
    return client
  }

  afterEach(async () => {
    await client?.stop()
    client = undefined
  })

  it('behavior: each failure that moved on is reported, then the success, in order', async () => {
    const selector = new RecordingSelector(() => ids)
    const started = await startClient(selector)
    const refused = new Set<string>()
    const connector = fakeConnector(refused, [])
    refused.add(ids[0]!)
    await started.connect('mailserver', connector)
    expect(selector.reports.map(([what, nodeId, failure]) => [what, nodeId, failure?.overloaded])).to.deep.equal([
      ['failure', ids[0], false],
      ['success', ids[1], undefined]
    ])
    expect(selector.reports[0]?.[2]?.error).to.be.instanceOf(ConnectionFailedError)
  })

  it('behavior: a ResourceOverloadedError is reported as overloaded, and moves on', async () => {
    const selector = new RecordingSelector(() => ids)
    const started = await startClient(selector)
    const answer = await withFailover(started, 'mailserver', fakeConnector(new Set(), []), async (connected) => {
      if (connected.nodeId === ids[0]) throw new ResourceOverloadedError(`mailserver ${connected.nodeId.slice(0, 8)}`)
      return connected.nodeId
    })
    expect(answer).to.equal(ids[1])
    expect(isRetryableError(new ResourceOverloadedError('x'))).to.equal(true)
    expect(selector.reports.map(([what, nodeId, failure]) => [what, nodeId, failure?.overloaded])).to.deep.equal([
      ['failure', ids[0], true],
      ['success', ids[1], undefined]
    ])
  })

  it('args: the connector\'s isOverloaded maps a plugin\'s own "overloaded" error', async () => {
    const selector = new RecordingSelector(() => ids)
    const started = await startClient(selector)
    const connector: ResourceConnector<FakeClient> = {
      ...fakeConnector(new Set(), []),
      isRetryable: (error) => error instanceof BusyError,
      isOverloaded: (error) => error instanceof BusyError
    }
    await withFailover(started, 'mailserver', connector, async (connected) => {
      if (connected.nodeId === ids[0]) throw new BusyError()
      return connected.nodeId
    })
    expect(selector.reports.map(([what, nodeId, failure]) => [what, nodeId, failure?.overloaded])).to.deep.equal([
      ['failure', ids[0], true],
      ['success', ids[1], undefined]
    ])
  })

  it('behavior: a request\'s own fault, or an abort, is reported as neither failure nor success', async () => {
    const selector = new RecordingSelector(() => ids)
    const started = await startClient(selector)
    await withFailover(started, 'mailserver', fakeConnector(new Set(), []), async () => { throw new BadQueryError() }).catch(() => {})
    const controller = new AbortController()
    const calls: string[] = []
    const pending = started.connect('mailserver', fakeConnector(new Set(), calls, true), { signal: controller.signal })
    while (calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    controller.abort()
    await pending.catch(() => {})
    expect(selector.reports).to.deep.equal([])
  })

  it('behavior: the selector\'s notes join the selection:changed reason; a sticky selector leaves an overloaded server for the next calls', async () => {
    const sticky = new StickyFailoverSelector({ inner: orderedSelector(() => ids) })
    const started = await startClient(sticky)
    const changed: SelectionChange[] = []
    started.addEventListener('selection:changed', (event) => { changed.push(event.detail) })
    const overloaded = new Set<string>()
    const connector: ResourceConnector<FakeClient> = {
      kind: 'mailserver',
      async connect (verdict) {
        if (overloaded.has(verdict.resource.nodeId)) throw new ResourceOverloadedError(verdict.resource.nodeId.slice(0, 8))
        return { nodeId: verdict.resource.nodeId }
      }
    }
    expect((await started.connect('mailserver', connector)).verdict.resource.nodeId).to.equal(ids[0])
    overloaded.add(ids[0]!)
    expect((await started.connect('mailserver', connector)).verdict.resource.nodeId).to.equal(ids[1])
    expect(changed.map((change) => change.reason)).to.deep.equal([
      `${ids[0]!.slice(0, 8)} failed to connect (ResourceOverloadedError); sticky: ${ids[0]!.slice(0, 8)} is overloaded (graylisted for 180 s); switched to ${ids[1]!.slice(0, 8)}`
    ])
    // the next call goes to the new server straight away, though the overloaded one would answer now
    overloaded.clear()
    const third = await started.connect('mailserver', connector)
    expect(third.verdict.resource.nodeId).to.equal(ids[1])
    expect(third.attempts).to.have.length(1)
  })
})
