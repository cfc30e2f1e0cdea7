import {
  createResourceContainer, KindSelector, NoReachableResourceError, ResourceClient, ResourceOverloadedError, withFailover, type ConnectionFailure, type SelectionChange
} from '@resource-discovery/core'
import { orderedSelector, recordClientEvents } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { ContainerModule } from 'inversify'
import {
  BadQueryError, isOverloadedMailserverError, MAILSERVER_HISTORY_PROTOCOL, mailserver, MailserverClient, mailserverConnector, ServerOverloadedError
} from '../../src/index.js'
import { envelope, MailserverHarness, tagOf, topicA, type RunningMailserver } from '../server/harness.js'

describe('mailserverConnector', function () {
  this.timeout(20_000)
  const harness = new MailserverHarness()
  let client: ResourceClient | undefined
  let servers: RunningMailserver[]

  beforeEach(async () => {
    servers = [await harness.mailserver(), await harness.mailserver()]
    const selector = orderedSelector(() => servers.map((running) => running.resource.nodeId))
    client = createResourceContainer({
      plugins: [mailserver()],
      userServers: servers.map((running) => ({ kind: 'mailserver', address: running.server.enr })),
      modules: [new ContainerModule(({ bind }) => { bind(KindSelector).toConstantValue({ kind: 'mailserver', selector }) })]
    }).get(ResourceClient)
    await client.start()
  })

  afterEach(async () => {
    await client?.stop()
    client = undefined
    await harness.cleanup()
  })

  function events (): { failed: ConnectionFailure[], changed: SelectionChange[] } {
    return { failed: recordClientEvents(client!, 'connection:failed'), changed: recordClientEvents(client!, 'selection:changed') }
  }

  it('behavior: connect with the first server stopped ends on the second, a working MailserverClient', async () => {
    const [first, second] = servers as [RunningMailserver, RunningMailserver]
    await first.server.stop()
    const seen = events()
    const host = await harness.host({ dialTimeoutMs: 2000 })

    const result = await client!.connect('mailserver', mailserverConnector(host))

    expect(result.verdict.resource.nodeId).to.equal(second.resource.nodeId)
    expect(result.client).to.be.instanceOf(MailserverClient)
    expect(result.attempts.map((attempt) => attempt.verdict.resource.nodeId)).to.deep.equal([first.resource.nodeId, second.resource.nodeId])
    expect((result.attempts[0]?.error as Error).name).to.equal('ConnectionFailedError')
    expect(seen.failed.map((failure) => [failure.verdict.resource.nodeId, failure.next?.resource.nodeId])).to.deep.equal([[first.resource.nodeId, second.resource.nodeId]])
    expect(seen.changed[0]?.reason).to.equal(`${first.resource.nodeId.slice(0, 8)} failed to connect (ConnectionFailedError)`)
    const ids = await result.client.storeEnvelopes([envelope(topicA, Date.now(), 'via second')])
    expect(ids).to.have.length(1)
    expect((await result.client.requestHistory({ topics: [topicA] })).envelopes.map(tagOf)).to.deep.equal(['via second'])
  })

  it('behavior: a history request through withFailover succeeds on the second server after the first dies mid-way', async () => {
    const [first, second] = servers as [RunningMailserver, RunningMailserver]
    const now = Date.now()
    for (const running of servers) {
      await (await harness.client(running.resource)).storeEnvelopes([envelope(topicA, now, 'kept')])
    }
    const seen = events()
    const host = await harness.host({ dialTimeoutMs: 2000, requestTimeoutMs: 3000 })
    const servedBy: string[] = []

    const page = await withFailover(client!, 'mailserver', mailserverConnector(host), async (mail, { verdict, signal }) => {
      servedBy.push(verdict.resource.nodeId)
      if (verdict.resource.nodeId === first.resource.nodeId) {
        // connected and proven: now the server dies before the request is sent
        await host.connect(verdict.resource)
        await first.server.stop()
      }
      return mail.requestHistory({ topics: [topicA] }, signal === undefined ? {} : { signal })
    })

    expect(page.envelopes.map(tagOf)).to.deep.equal(['kept'])
    expect(servedBy).to.deep.equal([first.resource.nodeId, second.resource.nodeId])
    expect(seen.failed).to.have.length(1)
    expect(seen.failed[0]?.phase).to.equal('request')
    expect(seen.failed[0]?.next?.resource.nodeId).to.equal(second.resource.nodeId)
  })

  it('error: a bad query is thrown at once and not retried on the other server', async () => {
    const seen = events()
    const host = await harness.host()
    const servedBy: string[] = []
    const err = await withFailover(client!, 'mailserver', mailserverConnector(host), async (mail, { verdict }) => {
      servedBy.push(verdict.resource.nodeId)
      return mail.requestHistory({ topics: [topicA], from: 10, to: 5 })
    }).catch((error: unknown) => error)
    expect(err).to.be.instanceOf(BadQueryError)
    expect(servedBy).to.have.length(1)
    expect(seen.failed).to.deep.equal([])
  })

  it('error: both servers stopped gives NoReachableResourceError with both errors', async () => {
    for (const running of servers) {
      await running.server.stop()
    }
    const host = await harness.host({ dialTimeoutMs: 2000 })
    const err = await client!.connect('mailserver', mailserverConnector(host)).catch((error: unknown) => error)
    expect(err).to.be.instanceOf(NoReachableResourceError)
    expect((err as NoReachableResourceError).attempts.map((attempt) => (attempt.error as Error).name)).to.deep.equal(['ConnectionFailedError', 'ConnectionFailedError'])
  })
})

describe('isOverloadedMailserverError', () => {
  it('behavior: the Overloaded answer and core\'s ResourceOverloadedError mean overloaded; other refusals do not', () => {
    expect(isOverloadedMailserverError(new ServerOverloadedError(MAILSERVER_HISTORY_PROTOCOL))).to.equal(true)
    expect(isOverloadedMailserverError(new ResourceOverloadedError('16Uiu2HAm'))).to.equal(true)
    expect(isOverloadedMailserverError(new BadQueryError(MAILSERVER_HISTORY_PROTOCOL))).to.equal(false)
    expect(isOverloadedMailserverError(new Error('ServerOverloadedError'))).to.equal(false)
    expect(mailserverConnector(undefined as never).isOverloaded).to.equal(isOverloadedMailserverError)
  })
})
