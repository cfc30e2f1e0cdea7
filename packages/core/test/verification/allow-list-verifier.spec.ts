import { createResource, verifierTests } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { AllowListVerifier, defineResourceKind, InvalidConfigurationError, USER_PROVIDER } from '../../src/index.js'

const mail = defineResourceKind({ name: 'mailserver' })

describe('AllowListVerifier', () => {
  verifierTests({
    setup: async () => {
      const trusted = [createResource(mail), createResource(mail)]
      const untrusted = [createResource(mail), createResource(mail)]
      return { verifier: new AllowListVerifier({ nodeIds: trusted.map((resource) => resource.nodeId) }), kind: mail, trusted, untrusted }
    },
    teardown: async () => {}
  })

  it('behavior: the user vouches for listed nodes', async () => {
    const resource = createResource(mail)
    const verifier = new AllowListVerifier({ nodeIds: [`0x${resource.nodeId.toUpperCase()}`] })
    const [verdict] = await verifier.verify(mail, [resource])
    expect(verdict).to.include({ trusted: true, provider: USER_PROVIDER, verifier: 'allow-list' })
  })

  it('behavior: allow and revoke at run time', async () => {
    const resource = createResource(mail)
    const verifier = new AllowListVerifier()
    verifier.allow(resource.nodeId)
    expect(verifier.has(resource.nodeId)).to.equal(true)
    expect(verifier.list()).to.deep.equal([resource.nodeId])
    expect((await verifier.verify(mail, [resource]))[0]?.trusted).to.equal(true)
    expect(verifier.revoke(resource.nodeId)).to.equal(true)
    expect(verifier.revoke(resource.nodeId)).to.equal(false)
    expect((await verifier.verify(mail, [resource]))[0]).to.deep.include({ trusted: false, reason: 'not on the user\'s allow-list', rejection: { code: 'not-allow-listed' } })
  })

  it('error: a malformed node id names the option', () => {
    expect(() => new AllowListVerifier({ nodeIds: ['abc'] })).to.throw(InvalidConfigurationError, /nodeIds\[0\]/)
    expect(() => { new AllowListVerifier().allow('xyz') }).to.throw(InvalidConfigurationError, /nodeId/)
  })
})
