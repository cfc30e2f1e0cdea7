import { InvalidConfigurationError } from '@resource-discovery/core'
import { expect } from 'chai'
import { HostGuard, hostHeaderName, isLoopbackName, type ErrorBody } from '../src/index.js'
import { DaemonHarness } from './support/daemon-harness.js'
import { rawRequest } from './support/raw-http.js'

describe('Daemon Host guard (DNS rebinding)', function () {
  this.timeout(10_000)
  const harness = new DaemonHarness()

  afterEach(async () => {
    await harness.cleanUp()
  })

  it('behavior: loopback names and IP addresses, with any port, pass (rebinding needs a name)', async () => {
    const daemon = await harness.started()
    const { port } = daemon
    for (const host of [`127.0.0.1:${port}`, '127.0.0.1', `localhost:${port}`, 'LOCALHOST', 'localhost.', `[::1]:${port}`, '[::1]', '127.1.2.3:80', '10.0.0.1', `192.168.1.10:${port}`, '[fd00::1]:80', '[::ffff:10.0.0.1]']) {
      const answer = await rawRequest(port, '/healthz', { host })
      expect(answer.status, host).to.equal(200)
    }
  })

  it('error: another Host is a 403 ForbiddenHostError on every route, before the route runs', async () => {
    const daemon = await harness.started()
    const { port } = daemon
    for (const host of ['evil.example', `evil.example:${port}`, '127.0.0.1.evil.example', 'localhost.evil.example:80', '10.0.0.1.nip.io', '192.168.1.10.evil.example:80', '0x7f000001', '2130706433']) {
      for (const path of ['/healthz', '/', '/v1/kinds/mailserver/selection', '/v1/events', '/v1/providers', '/nosuchroute']) {
        const answer = await rawRequest(port, path, { host })
        expect(answer.status, `${host} ${path}`).to.equal(403)
        const body = JSON.parse(answer.body) as ErrorBody
        expect(body.error).to.equal('ForbiddenHostError')
        expect(body.statusCode).to.equal(403)
      }
    }
    const { body } = await rawRequest(port, '/healthz', { host: 'evil.example' })
    expect((JSON.parse(body) as ErrorBody).message).to.contain('"evil.example"').and.contain('allowedHosts')
    // refused writes change nothing
    const post = await rawRequest(port, '/v1/custom-servers', { host: 'evil.example', 'content-type': 'application/json', 'content-length': '2' }, 'POST')
    expect(post.status).to.equal(403)
    // the refusals are counted in the metrics, under their route
    const metrics = await rawRequest(port, '/metrics', { host: `127.0.0.1:${port}` })
    expect(metrics.body).to.match(/rdisc_http_request_duration_seconds_count\{[^}]*route="\/v1\/kinds\/:kind\/selection"[^}]*status_code="403"[^}]*\} 8/)
  })

  it('args: allowedHosts adds names (case-insensitive, any port); others stay refused', async () => {
    const daemon = await harness.started({ allowedHosts: ['rdisc.home.arpa', 'Desk.Local'] })
    const { port } = daemon
    expect((await rawRequest(port, '/healthz', { host: `rdisc.home.arpa:${port}` })).status).to.equal(200)
    expect((await rawRequest(port, '/healthz', { host: 'desk.local' })).status).to.equal(200)
    expect((await rawRequest(port, '/healthz', { host: 'other.home.arpa' })).status).to.equal(403)
  })

  it('error: an allowedHosts entry that is not a host name is refused, naming it', async () => {
    for (const [allowedHosts, option] of [[['ok.example', 'http://evil.example'], 'allowedHosts[1]'], [['a b'], 'allowedHosts[0]'], ['localhost', 'allowedHosts']] as const) {
      const err = await harness.daemon({ allowedHosts: allowedHosts as unknown as string[] }).catch((e: unknown) => e)
      expect(err, JSON.stringify(allowedHosts)).to.be.instanceOf(InvalidConfigurationError)
      expect((err as InvalidConfigurationError).option).to.equal(option)
    }
  })

  // The guard is on for every bind: test/netns/daemon-http.spec.ts checks it on a daemon bound to a LAN address.
  it('behavior: isLoopbackName of names and bind addresses', () => {
    for (const host of ['127.0.0.1', '127.0.1.1', 'localhost', '::1', '[::1]', '0:0:0:0:0:0:0:1']) {
      expect(isLoopbackName(host), host).to.equal(true)
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.org', '127.0.0.1.nip.io', '::2', '1127.0.0.1']) {
      expect(isLoopbackName(host), host).to.equal(false)
    }
  })

  it('behavior: HostGuard reads the name out of a Host header, with or without port and brackets', () => {
    expect(hostHeaderName('LocalHost:8645')).to.equal('localhost')
    expect(hostHeaderName('[::1]:8645')).to.equal('::1')
    expect(hostHeaderName('example.org.')).to.equal('example.org')
    // a bare IPv6 address is not a valid Host header: kept whole, so it never matches a name
    expect(hostHeaderName('::1:8645')).to.equal('::1:8645')
    const guard = new HostGuard(['rdisc.home.arpa'])
    expect(guard.allows(undefined), 'HTTP/1.0 without Host').to.equal(true)
    expect(guard.allows('rdisc.home.arpa:1')).to.equal(true)
    // a bare IPv6 address is an IP address: it passes as one
    expect(guard.allows('::1:8645')).to.equal(true)
    expect(guard.allows('203.0.113.7:8645')).to.equal(true)
    expect(guard.allows('203.0.113.7.evil.example')).to.equal(false)
    expect(guard.allows('evil.example')).to.equal(false)
    // the memo of the last allowed header does not let others through
    expect(guard.allows('localhost:1')).to.equal(true)
    expect(guard.allows('localhost:1.evil.example')).to.equal(false)
    expect(guard.allows('[::1]evil.example')).to.equal(false)
    expect(guard.allows('[::1]:8645')).to.equal(true)
  })
})
