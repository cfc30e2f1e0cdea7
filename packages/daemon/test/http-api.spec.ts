import { mkdir, rm } from 'node:fs/promises'
import { createNodeKey, createNodeRecord } from '@resource-discovery/testkit'
import { identityFromPublicKey, KindSelector, LatencyProbe, ProviderWeightedSelector, StickyFailoverSelector } from '@resource-discovery/core'
import { expect } from 'chai'
import { SigningKey } from 'ethers'
import { ContainerModule } from 'inversify'
import { type CustomServer, type Daemon, type ErrorBody, type HealthView, type SelectionView, type TrustView } from '../src/index.js'
import { api, DaemonHarness, eventually, mail, type CustomServersBody, type KindsBody, type ResourcesBody } from './support/daemon-harness.js'

/** A `/p2p/` multiaddr of a fresh node, and its node id. */
function multiaddrServer (): { address: string, nodeId: string } {
  const key = createNodeKey()
  const identity = identityFromPublicKey(SigningKey.computePublicKey(key.privateKeyHex, true))
  return { address: `/ip4/127.0.0.1/tcp/4001/p2p/${identity.peerId}`, nodeId: identity.nodeId }
}

describe('Daemon HTTP API', function () {
  this.timeout(10_000)
  const harness = new DaemonHarness()

  afterEach(async () => {
    await harness.cleanUp()
  })

  describe('GET /v1/kinds', () => {
    it('behavior: lists every watched kind with its descriptor, counts and selection', async () => {
      const own = createNodeRecord()
      const shipped = createNodeRecord()
      const daemon = await harness.started({ servers: [{ kind: 'mailserver', address: shipped.enr }] })
      await api(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: own.enr })
      const { status, body } = await api<KindsBody>(daemon, 'GET', '/v1/kinds')
      expect(status).to.equal(200)
      expect(body.kinds.map((kind: { name: string }) => kind.name)).to.deep.equal(['mailserver', 'push'])
      expect(body.kinds[0]).to.deep.equal({
        name: 'mailserver',
        kindId: mail.kindId,
        topic: mail.topic,
        protocols: [...mail.protocols],
        description: mail.description,
        counts: { discovered: 2, verified: 1, rejected: 1 },
        selector: 'random',
        selected: own.nodeId,
        sources: [{ name: 'static', description: 'servers given by configuration' }]
      })
      expect(body.kinds[1]).to.include({ name: 'push', selected: null })
      expect(body.kinds[1]!.counts).to.deep.equal({ discovered: 0, verified: 0, rejected: 0 })
    })

    it('behavior: shows the selection strategy bound for a kind', async () => {
      const selector = new StickyFailoverSelector({ inner: new ProviderWeightedSelector({ weights: { user: 2 } }) })
      const daemon = await harness.started({ modules: [new ContainerModule(({ bind }) => { bind(KindSelector).toConstantValue({ kind: 'push', selector }) })] })
      const { body } = await api<KindsBody>(daemon, 'GET', '/v1/kinds')
      expect(body.kinds.map((kind: { name: string, selector: string }) => [kind.name, kind.selector])).to.deep.equal([['mailserver', 'random'], ['push', selector.name]])
      expect(selector.name).to.match(/^sticky>weighted/)
    })

    it('behavior: only the kinds named in `kinds` are watched', async () => {
      const daemon = await harness.started({ kinds: ['push'] })
      const { body } = await api<KindsBody>(daemon, 'GET', '/v1/kinds')
      expect(body.kinds.map((kind: { name: string }) => kind.name)).to.deep.equal(['push'])
      const notWatched = await api<ErrorBody>(daemon, 'GET', '/v1/kinds/mailserver/selection')
      expect(notWatched.status).to.equal(404)
      expect(notWatched.body.error).to.equal('KindNotWatchedError')
      expect(notWatched.body.message).to.contain('does not watch "mailserver"')
    })
  })

  describe('GET /v1/kinds/:kind/resources', () => {
    let daemon: Daemon
    const own = createNodeRecord()
    const shipped = createNodeRecord()

    beforeEach(async () => {
      daemon = await harness.started({ servers: [{ kind: 'mailserver', address: shipped.enr }] })
      await api(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: own.enr })
    })

    it('behavior: lists the verified servers by default, with provider, reason and record', async () => {
      const { status, body } = await api<ResourcesBody>(daemon, 'GET', '/v1/kinds/mailserver/resources')
      expect(status).to.equal(200)
      expect(body).to.include({ kind: 'mailserver', status: 'verified' })
      expect(body.resources).to.have.length(1)
      const resource = body.resources[0]!
      expect(resource).to.include({
        kind: 'mailserver',
        nodeId: own.nodeId,
        peerId: own.peerId,
        enr: own.enr,
        seq: own.seq.toString(),
        origin: 'user',
        trusted: true,
        provider: 'user',
        rejection: null,
        verifier: 'allow-list'
      })
      expect(resource.reason).to.contain('allow-list')
      expect(resource.multiaddrs).to.deep.equal([`/ip4/127.0.0.1/tcp/9001/p2p/${own.peerId}`])
      expect(Date.parse(resource.firstSeen)).to.be.closeTo(Date.now(), 10_000)
      expect(Date.parse(resource.lastSeen)).to.be.at.least(Date.parse(resource.firstSeen))
    })

    it('behavior: status=rejected and status=all list the untrusted servers with the reason', async () => {
      const rejected = await api<ResourcesBody>(daemon, 'GET', '/v1/kinds/mailserver/resources?status=rejected')
      expect(rejected.body.resources.map((resource: { nodeId: string }) => resource.nodeId)).to.deep.equal([shipped.nodeId])
      expect(rejected.body.resources[0]).to.include({ trusted: false, provider: null, origin: 'static' })
      // no registry: the allow-list, which holds only the user's own server, says so
      expect(rejected.body.resources[0]).to.deep.include({
        reason: 'not on the user\'s allow-list, and no registry is configured to vouch for it',
        rejection: { code: 'no-registry', providers: [] }
      })
      const all = await api<ResourcesBody>(daemon, 'GET', '/v1/kinds/mailserver/resources?status=all')
      expect(all.body.resources.map((resource: { nodeId: string }) => resource.nodeId)).to.deep.equal([own.nodeId, shipped.nodeId])
    })

    it('error: a status other than verified, rejected or all is a 400 naming the values', async () => {
      const { status, body } = await api<ErrorBody>(daemon, 'GET', '/v1/kinds/mailserver/resources?status=trusted')
      expect(status).to.equal(400)
      expect(body).to.deep.equal({
        error: 'ValidationError',
        message: 'Invalid query string: status must be one of verified, rejected, all, got "trusted"',
        statusCode: 400,
        field: 'status'
      })
    })

    it('error: an unknown query parameter is a 400', async () => {
      const { status, body } = await api<ErrorBody>(daemon, 'GET', '/v1/kinds/mailserver/resources?sort=name')
      expect(status).to.equal(400)
      expect(body.message).to.equal('Invalid query string: unknown field "sort" (allowed: status)')
    })

    it('error: an unknown kind is a 404', async () => {
      const { status, body } = await api<ErrorBody>(daemon, 'GET', '/v1/kinds/nosuchkind/resources')
      expect(status).to.equal(404)
      expect(body.error).to.equal('UnknownResourceKindError')
      expect(body.message).to.contain('Unknown resource kind "nosuchkind" (known kinds: mailserver, push)')
    })

    it('error: a malformed kind name is a 400', async () => {
      const { status, body } = await api<ErrorBody>(daemon, 'GET', '/v1/kinds/Mail_Server/resources')
      expect(status).to.equal(400)
      expect(body.message).to.contain('kind must be a kind name')
    })
  })

  describe('GET /v1/kinds/:kind/selection', () => {
    it('behavior: answers the selected server with its provider, the reason of the change and since when', async () => {
      const own = createNodeRecord()
      const daemon = await harness.started()
      const before = Date.now()
      await api(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: own.enr })
      const { status, body, headers } = await api<SelectionView>(daemon, 'GET', '/v1/kinds/mailserver/selection')
      expect(status).to.equal(200)
      expect(headers.get('content-type')).to.equal('application/json; charset=utf-8')
      expect(body.kind).to.equal('mailserver')
      expect(body.selected).to.include({ nodeId: own.nodeId, provider: 'user', trusted: true, origin: 'user' })
      expect(body.reason).to.equal('first selection (custom server added)')
      expect(Date.parse(body.since)).to.be.within(before, Date.now())
    })

    it('behavior: the selection moves on when the selected server is removed, and answers 503 when none is left', async () => {
      const [first, second] = [createNodeRecord(), createNodeRecord()]
      const daemon = await harness.started()
      await api(daemon, 'POST', '/v1/custom-servers', { kind: 'push', address: first.enr })
      await api(daemon, 'POST', '/v1/custom-servers', { kind: 'push', address: second.enr })
      const selected = (await api<SelectionView>(daemon, 'GET', '/v1/kinds/push/selection')).body.selected.nodeId
      expect(selected).to.equal(first.nodeId)
      await api(daemon, 'DELETE', `/v1/custom-servers/${first.nodeId}`)
      const moved = await api<SelectionView>(daemon, 'GET', '/v1/kinds/push/selection')
      expect(moved.body.selected.nodeId).to.equal(second.nodeId)
      expect(moved.body.reason).to.contain(`${first.nodeId.slice(0, 8)} is no longer trusted: custom server removed by the user`)
      await api(daemon, 'DELETE', `/v1/custom-servers/${second.nodeId}`)
      const none = await api<ErrorBody>(daemon, 'GET', '/v1/kinds/push/selection')
      expect(none.status).to.equal(503)
      expect(none.body.error).to.equal('NoTrustedResourceError')
      expect(none.body.message).to.contain('No trusted "push" server')
    })

    it('error: no trusted server known yet is a 503 with a clear message', async () => {
      const daemon = await harness.started({ servers: [{ kind: 'mailserver', address: createNodeRecord().enr }] })
      const { status, body } = await api<ErrorBody>(daemon, 'GET', '/v1/kinds/mailserver/selection')
      expect(status).to.equal(503)
      expect(body.statusCode).to.equal(503)
      expect(body.error).to.equal('NoTrustedResourceError')
      expect(body.message).to.contain('No trusted "mailserver" server: 1 discovered, none trusted')
      expect(body.message).to.contain('no registry is configured')
    })

    it('error: an unknown kind is a 404', async () => {
      const daemon = await harness.started()
      const { status, body } = await api<ErrorBody>(daemon, 'GET', '/v1/kinds/nosuchkind/selection')
      expect(status).to.equal(404)
      expect(body).to.include({ error: 'UnknownResourceKindError', statusCode: 404 })
    })
  })

  describe('custom servers', () => {
    it('behavior: POST adds a server by ENR (201), GET lists it, and it is verified and selected at once', async () => {
      const own = createNodeRecord()
      const daemon = await harness.started()
      const added = await api<CustomServer>(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: ` ${own.enr}\n` })
      expect(added.status).to.equal(201)
      expect(added.body).to.include({ kind: 'mailserver', address: own.enr, nodeId: own.nodeId })
      expect(Date.parse(added.body.addedAt)).to.be.closeTo(Date.now(), 5000)
      const listed = await api<CustomServersBody>(daemon, 'GET', '/v1/custom-servers')
      expect(listed.body).to.deep.equal({ customServers: [added.body] })
      expect((await api<SelectionView>(daemon, 'GET', '/v1/kinds/mailserver/selection')).body.selected.nodeId).to.equal(own.nodeId)
    })

    it('behavior: POST adds a server by /p2p/ multiaddr', async () => {
      const server = multiaddrServer()
      const daemon = await harness.started()
      const added = await api<CustomServer>(daemon, 'POST', '/v1/custom-servers', { kind: 'push', address: server.address })
      expect(added.status).to.equal(201)
      expect(added.body.nodeId).to.equal(server.nodeId)
      const selection = await api<SelectionView>(daemon, 'GET', '/v1/kinds/push/selection')
      expect(selection.body.selected).to.include({ nodeId: server.nodeId, enr: null, seq: null })
      expect(selection.body.selected.multiaddrs).to.deep.equal([server.address])
    })

    it('behavior: POSTing the same server again answers 200 with the existing entry and adds nothing', async () => {
      const own = createNodeRecord()
      const daemon = await harness.started()
      const first = await api<CustomServer>(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: own.enr })
      const again = await api<CustomServer>(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: own.enr })
      expect(again.status).to.equal(200)
      expect(again.body).to.deep.equal(first.body)
      expect((await api<CustomServersBody>(daemon, 'GET', '/v1/custom-servers')).body.customServers).to.have.length(1)
    })

    it('error: the same node of the same kind with another address is a 409 telling to remove it first', async () => {
      const key = createNodeKey()
      const daemon = await harness.started()
      await api(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: createNodeRecord({ key, tcp: 9001 }).enr })
      const { status, body } = await api<ErrorBody>(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: createNodeRecord({ key, tcp: 9002 }).enr })
      expect(status).to.equal(409)
      expect(body.error).to.equal('CustomServerExistsError')
      expect(body.message).to.contain('remove it first')
      expect(body.field).to.equal('address')
    })

    it('behavior: the same node may be a custom server of two kinds; DELETE with ?kind= removes one', async () => {
      const own = createNodeRecord()
      const daemon = await harness.started()
      await api(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: own.enr })
      await api(daemon, 'POST', '/v1/custom-servers', { kind: 'push', address: own.enr })
      expect((await api(daemon, 'DELETE', `/v1/custom-servers/${own.nodeId}?kind=push`)).status).to.equal(204)
      const listed = await api<CustomServersBody>(daemon, 'GET', '/v1/custom-servers')
      expect(listed.body.customServers.map((server: { kind: string }) => server.kind)).to.deep.equal(['mailserver'])
      expect((await api(daemon, 'GET', '/v1/kinds/push/selection')).status).to.equal(503)
      // still trusted as a mail server: the allow-list keeps a node while any custom entry has it
      expect((await api<SelectionView>(daemon, 'GET', '/v1/kinds/mailserver/selection')).body.selected.nodeId).to.equal(own.nodeId)
    })

    it('behavior: DELETE removes a server (204) and its resources; a server the configuration ships too stays, untrusted', async () => {
      const own = createNodeRecord()
      const daemon = await harness.started({ servers: [{ kind: 'mailserver', address: own.enr }], client: { rediscoverIntervalMs: 50 } })
      await api(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: own.enr })
      expect((await api<ResourcesBody>(daemon, 'GET', '/v1/kinds/mailserver/resources')).body.resources).to.have.length(1)
      const removed = await api(daemon, 'DELETE', `/v1/custom-servers/0x${own.nodeId.toUpperCase()}`)
      expect(removed.status).to.equal(204)
      expect(removed.body).to.equal('')
      expect((await api<CustomServersBody>(daemon, 'GET', '/v1/custom-servers')).body.customServers).to.deep.equal([])
      expect((await api<ResourcesBody>(daemon, 'GET', '/v1/kinds/mailserver/resources')).body.resources).to.deep.equal([])
      // the next discovery pass finds the configuration's entry of the node again, no longer trusted
      const rejected = await eventually(async () => {
        const answer = await api<ResourcesBody>(daemon, 'GET', '/v1/kinds/mailserver/resources?status=rejected')
        return answer.body.resources[0]
      }, 'the configured server is discovered again', 3000)
      expect(rejected).to.include({ nodeId: own.nodeId, origin: 'static', trusted: false })
      expect((await api<ResourcesBody>(daemon, 'GET', '/v1/kinds/mailserver/resources')).body.resources).to.deep.equal([])
    })

    it('error: a bad ENR is a 400 with the InvalidEnrError message', async () => {
      const daemon = await harness.started()
      const { status, body } = await api<ErrorBody>(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: 'enr:-not-a-record' })
      expect(status).to.equal(400)
      expect(body.error).to.equal('InvalidEnrError')
      expect(body.message).to.match(/^Invalid ENR: /)
      expect(body.field).to.equal('address')
    })

    it('error: an ENR whose signature does not match is a 400 InvalidEnrSignatureError', async () => {
      const record = createNodeRecord()
      const daemon = await harness.started()
      // flip one character inside the signature
      const tampered = `${record.enr.slice(0, 12)}${record.enr[12] === 'A' ? 'B' : 'A'}${record.enr.slice(13)}`
      const { status, body } = await api<ErrorBody>(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: tampered })
      expect(status).to.equal(400)
      expect(['InvalidEnrSignatureError', 'InvalidEnrError']).to.include(body.error)
      expect(body.field).to.equal('address')
    })

    it('error: an address that is neither an ENR nor a multiaddr is a 400 saying what is expected', async () => {
      const daemon = await harness.started()
      const { status, body } = await api<ErrorBody>(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: 'mail.example.org:443' })
      expect(status).to.equal(400)
      expect(body.error).to.equal('InvalidConfigurationError')
      expect(body.message).to.contain('expected an ENR ("enr:...") or a multiaddr ending in /p2p/<peer id>')
      expect(body.field).to.equal('address')
    })

    it('error: a multiaddr without /p2p/ is a 400 InvalidMultiaddrError', async () => {
      const daemon = await harness.started()
      const { status, body } = await api<ErrorBody>(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: '/ip4/127.0.0.1/tcp/4001' })
      expect(status).to.equal(400)
      expect(body.error).to.equal('InvalidMultiaddrError')
      expect(body.field).to.equal('address')
    })

    it('error: an unknown kind in the body is a 400 naming the known kinds', async () => {
      const daemon = await harness.started()
      const { status, body } = await api<ErrorBody>(daemon, 'POST', '/v1/custom-servers', { kind: 'nosuchkind', address: createNodeRecord().enr })
      expect(status).to.equal(400)
      expect(body.error).to.equal('UnknownResourceKindError')
      expect(body.message).to.contain('known kinds: mailserver, push')
      expect(body.field).to.equal('kind')
      expect((await api<CustomServersBody>(daemon, 'GET', '/v1/custom-servers')).body.customServers).to.deep.equal([])
    })

    for (const [name, payload, message, field] of [
      ['a missing field', { kind: 'mailserver' }, 'Invalid request body: address is required', 'address'],
      ['an extra field', { kind: 'mailserver', address: 'enr:x', trusted: true }, 'Invalid request body: unknown field "trusted" (allowed: kind, address)', 'trusted'],
      ['a field of the wrong type', { kind: 'mailserver', address: 42 }, 'Invalid request body: address must be a string, got a number', 'address'],
      ['a body that is not an object', '["mailserver"]', 'Invalid request body: it must be an object, got an array', undefined]
    ] as const) {
      it(`error: ${name} is a 400 ValidationError naming the field${field === undefined ? ' (none: the whole body)' : ` (field ${field})`}`, async () => {
        const daemon = await harness.started()
        const { status, body } = await api<ErrorBody>(daemon, 'POST', '/v1/custom-servers', payload)
        expect(status).to.equal(400)
        expect(body).to.deep.equal({ error: 'ValidationError', message, statusCode: 400, ...(field === undefined ? {} : { field }) })
      })
    }

    it('error: a body that is not JSON is a 400', async () => {
      const daemon = await harness.started()
      const { status, body } = await api<ErrorBody>(daemon, 'POST', '/v1/custom-servers', '{"kind": ')
      expect(status).to.equal(400)
      expect(body.error).to.equal('BadRequest')
      expect(body.message).to.contain('not valid JSON')
    })

    it('error: DELETE of an unknown node id is a 404; of a malformed one a 400', async () => {
      const daemon = await harness.started()
      const unknown = await api<ErrorBody>(daemon, 'DELETE', `/v1/custom-servers/${'ab'.repeat(32)}`)
      expect(unknown.status).to.equal(404)
      expect(unknown.body.error).to.equal('CustomServerNotFoundError')
      const malformed = await api<ErrorBody>(daemon, 'DELETE', '/v1/custom-servers/abc')
      expect(malformed.status).to.equal(400)
      expect(malformed.body.message).to.equal('Invalid URL path: nodeId must be a node id (64 hex digits), got "abc"')
    })

    it('error: when the state cannot be written, POST is a 500 StateFileWriteError and nothing changes', async () => {
      const dataDir = await harness.dataDir()
      const daemon = await harness.started({ dataDir })
      // a non-empty directory where the state file goes makes the atomic rename fail
      await mkdir(`${dataDir}/state.json/blocker`, { recursive: true })
      const own = createNodeRecord()
      const { status, body } = await api<ErrorBody>(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: own.enr })
      expect(status).to.equal(500)
      expect(body.error).to.equal('StateFileWriteError')
      expect(body.message).to.contain(`${dataDir}/state.json`)
      expect((await api<CustomServersBody>(daemon, 'GET', '/v1/custom-servers')).body.customServers).to.deep.equal([])
      await daemon.client.watch('mailserver').reverify('test')
      expect((await api(daemon, 'GET', '/v1/kinds/mailserver/selection')).status).to.equal(503)
      await rm(`${dataDir}/state.json`, { recursive: true })
      expect((await api(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: own.enr })).status).to.equal(201)
    })
  })

  describe('GET /v1/trust without a registry', () => {
    it('behavior: reports that no registry is configured', async () => {
      const daemon = await harness.started()
      const { status, body } = await api<TrustView>(daemon, 'GET', '/v1/trust')
      expect(status).to.equal(200)
      expect(body).to.deep.equal({
        trustedProviders: [],
        defaultProvider: null,
        source: 'configuration',
        updatedAt: null,
        registry: { configured: false, address: null, fresh: false, syncedBlock: null, lastSyncAt: null, registrations: 0, deploymentBlock: null, loadedFrom: null, endpoints: 0, quorum: 0 }
      })
    })

    it('error: PUT /v1/trust is a 409 saying no registry is configured', async () => {
      const daemon = await harness.started()
      const { status, body } = await api<ErrorBody>(daemon, 'PUT', '/v1/trust', { trustedProviders: [] })
      expect(status).to.equal(409)
      expect(body.error).to.equal('RegistryNotConfiguredError')
      expect(body.message).to.contain('no registry configured')
    })
  })

  describe('GET /v1/events', () => {
    it('behavior: streams selection:changed and custom-servers:changed as server-sent events', async () => {
      const own = createNodeRecord()
      const daemon = await harness.started()
      const events = await harness.events(daemon)
      await api(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: own.enr })
      const added = await events.waitFor('custom-servers:changed')
      expect(added).to.deep.include({ change: 'added' })
      expect(added.servers[0]).to.include({ kind: 'mailserver', nodeId: own.nodeId })
      const discovered = await events.waitFor('resource:discovered', (data) => data.nodeId === own.nodeId)
      expect(discovered).to.include({ kind: 'mailserver', origin: 'user' })
      const verified = await events.waitFor('resource:verified', (data) => data.nodeId === own.nodeId)
      expect(verified).to.include({ trusted: true, provider: 'user' })
      const selected = await events.waitFor('selection:changed')
      expect(selected).to.include({ kind: 'mailserver', previous: null, reason: 'first selection (custom server added)' })
      expect(selected.current!.nodeId).to.equal(own.nodeId)
      await api(daemon, 'DELETE', `/v1/custom-servers/${own.nodeId}`)
      const revoked = await events.waitFor('resource:revoked', (data) => data.nodeId === own.nodeId)
      expect(revoked).to.include({ trusted: false, reason: 'custom server removed by the user' })
      const emptied = await events.waitFor('selection:changed', (data) => data.current === null)
      expect(emptied.previous!.nodeId).to.equal(own.nodeId)
      expect(events.events.map((event) => event.event)).to.include.members(['custom-servers:changed', 'resource:discovered', 'resource:verified', 'selection:changed', 'resource:revoked'])
      expect(events.comments[0]).to.equal('connected')
    })

    it('behavior: sends a heartbeat comment every interval', async () => {
      const daemon = await harness.started({ heartbeatIntervalMs: 30 })
      const events = await harness.events(daemon)
      await events.waitForComment('heartbeat', 2000)
    })

    it('behavior: a client that disconnects is dropped (its listener removed)', async () => {
      const daemon = await harness.started()
      const clientsGauge = async (): Promise<string | undefined> => /^rdisc_event_stream_clients (\d+)$/m.exec((await api<string>(daemon, 'GET', '/metrics')).body)?.[1]
      const events = await harness.events(daemon)
      expect(await clientsGauge()).to.equal('1')
      events.close()
      await eventually(async () => await clientsGauge() === '0' ? true : undefined, 'the client is dropped', 2000)
    })

    it('behavior: stop() ends open streams', async () => {
      const daemon = await harness.started()
      const events = await harness.events(daemon)
      await daemon.stop()
      await events.ended
    })
  })

  describe('GET /healthz', () => {
    it('behavior: 200 ok with the uptime, kinds and (unconfigured) registry', async () => {
      const own = createNodeRecord()
      const daemon = await harness.started()
      await api(daemon, 'POST', '/v1/custom-servers', { kind: 'push', address: own.enr })
      const { status, body } = await api<HealthView>(daemon, 'GET', '/healthz')
      expect(status).to.equal(200)
      expect(body.status).to.equal('ok')
      expect(body.problems).to.deep.equal([])
      expect(body.uptimeMs).to.be.a('number').and.at.least(0)
      expect(body.kinds).to.deep.equal([
        { name: 'mailserver', verified: 0, selected: null },
        { name: 'push', verified: 1, selected: own.nodeId }
      ])
      expect(body.registry.configured).to.equal(false)
    })
  })

  describe('GET /metrics', () => {
    it('behavior: Prometheus text with the daemon\'s metrics and the process metrics', async () => {
      const own = createNodeRecord()
      const daemon = await harness.started({ servers: [{ kind: 'mailserver', address: createNodeRecord().enr }] })
      await api(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: own.enr })
      await api(daemon, 'GET', '/v1/kinds/mailserver/selection')
      const { status, body, headers } = await api<string>(daemon, 'GET', '/metrics')
      expect(status).to.equal(200)
      expect(headers.get('content-type')).to.contain('text/plain')
      expect(body).to.match(/^rdisc_http_request_duration_seconds_count\{method="GET",route="\/v1\/kinds\/:kind\/selection",status_code="200"\} 1$/m)
      expect(body).to.match(/^rdisc_resources_verified\{kind="mailserver"\} 1$/m)
      expect(body).to.match(/^rdisc_resources_rejected\{kind="mailserver"\} 1$/m)
      expect(body).to.match(/^rdisc_resources_discovered\{kind="mailserver"\} 2$/m)
      expect(body).to.match(/^rdisc_selection_changes_total\{kind="mailserver"\} 1$/m)
      expect(body).to.match(/^rdisc_custom_servers 1$/m)
      expect(body).to.match(/^process_cpu_user_seconds_total /m)
      expect(body).to.match(/^nodejs_eventloop_lag_seconds /m)
      expect(body).not.to.contain('rdisc_registry_synced_block')
    })

    it('behavior: the request duration histogram sums real durations, on the hot route and on the others', async () => {
      const daemon = await harness.started()
      const requests = 20
      for (let i = 0; i < requests; i++) {
        await api(daemon, 'GET', '/v1/kinds/mailserver/selection')
        await api(daemon, 'GET', '/v1/kinds')
        await api(daemon, 'GET', '/v2/nowhere')
      }
      const body = (await api<string>(daemon, 'GET', '/metrics')).body
      for (const labels of [
        'method="GET",route="/v1/kinds/:kind/selection",status_code="503"',
        'method="GET",route="/v1/kinds",status_code="200"',
        'method="GET",route="unmatched",status_code="404"'
      ]) {
        const read = (series: string): number => Number(new RegExp(`^rdisc_http_request_duration_seconds_${series}\\{${labels.replace(/[/:]/g, '\\$&')}\\} (\\S+)$`, 'm').exec(body)?.[1])
        expect(read('count'), `${labels} count`).to.equal(requests)
        // each request took some time, and less than a second: a duration in the wrong unit or never measured fails one bound
        expect(read('sum'), `${labels} sum`).to.be.above(0).and.below(requests)
      }
    })

    it('behavior: failed liveness checks of the selected server are counted per kind', async () => {
      let probed = 0
      const probe: LatencyProbe = {
        measure: async () => {
          probed++
          throw new Error('the server does not answer')
        }
      }
      const daemon = await harness.started({
        // checks every 30 ms, never given up (one server only), and no latency measurements to share the probe
        client: { livenessIntervalMs: 30, livenessTimeoutMs: 200, livenessFailures: 1_000_000 },
        latencyIntervalMs: 0,
        modules: [new ContainerModule(({ bind }) => { bind(LatencyProbe).toConstantValue(probe) })]
      })
      // the user's own server is trusted, so it is selected and checked
      await api(daemon, 'POST', '/v1/custom-servers', { kind: 'mailserver', address: createNodeRecord().enr })
      const read = async (): Promise<number> => Number(/^rdisc_liveness_probe_errors_total\{kind="mailserver"\} (\d+)$/m.exec((await api<string>(daemon, 'GET', '/metrics')).body)?.[1])
      const counted = await eventually(async () => { const value = await read(); return value >= 3 ? value : undefined }, 'three failed liveness checks are counted')
      expect(counted).to.be.at.most(probed)
      expect((await api<string>(daemon, 'GET', '/metrics')).body, 'a kind without failures reads 0').to.match(/^rdisc_liveness_probe_errors_total\{kind="push"\} 0$/m)
    })

    it('behavior: two daemons in one process keep their own metrics', async () => {
      const first = await harness.started()
      const second = await harness.started()
      await api(first, 'GET', '/v1/kinds')
      const text = (await api<string>(second, 'GET', '/metrics')).body
      expect(text).not.to.contain('route="/v1/kinds"')
      expect((await api<string>(first, 'GET', '/metrics')).body).to.contain('route="/v1/kinds"')
    })
  })

  it('error: an unknown route is a 404 in the common error shape', async () => {
    const daemon = await harness.started({ web: false })
    const { status, body } = await api<ErrorBody>(daemon, 'GET', '/v2/kinds')
    expect(status).to.equal(404)
    expect(body).to.deep.equal({ error: 'NotFound', message: 'There is no route GET /v2/kinds; the API\'s routes start with /v1/, plus /healthz and /metrics', statusCode: 404 })
    const withPage = await harness.started()
    expect((await api<ErrorBody>(withPage, 'GET', '/v2/kinds')).body.message).to.match(/and the web page is at \/$/)
  })
})
