import { createResource, verifierTests } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { AllOfVerifier, AllowListVerifier, AnyOfVerifier, defineResourceKind, type Rejection, type Resource, type Verifier } from '../../src/index.js'

const mail = defineResourceKind({ name: 'mailserver' })

/** A verifier that trusts `nodeIds` on behalf of `provider`, counting the resources it was asked about. */
function listVerifier (name: string, provider: string, nodeIds: readonly string[]): Verifier & { asked: number } {
  const verifier = {
    name,
    asked: 0,
    async verify (_kind: unknown, resources: readonly Resource[]) {
      verifier.asked += resources.length
      return resources.map((resource) => nodeIds.includes(resource.nodeId)
        ? { resource, trusted: true, provider, reason: `listed by ${name}`, verifier: name }
        : { resource, trusted: false, reason: `not listed by ${name}`, verifier: name })
    }
  }
  return verifier
}

/** A verifier that rejects everything with `reason` and `rejection`. */
function rejectingVerifier (name: string, reason: string, rejection: Rejection): Verifier {
  return {
    name,
    verify: async (_kind, resources) => resources.map((resource) => ({ resource, trusted: false, reason, rejection, verifier: name }))
  }
}

const broken: Verifier = {
  name: 'registry',
  verify: async () => { throw new Error('connection refused') }
}

describe('AnyOfVerifier', () => {
  verifierTests({
    setup: async () => {
      const [a, b, c, d] = [createResource(mail), createResource(mail), createResource(mail), createResource(mail)] as const
      return {
        verifier: new AnyOfVerifier([new AllowListVerifier({ nodeIds: [a.nodeId] }), listVerifier('registry', '0xprovider', [b.nodeId])]),
        kind: mail,
        trusted: [a, b],
        untrusted: [c, d]
      }
    },
    teardown: async () => {}
  })

  it('behavior: later verifiers are asked only about what earlier ones did not trust', async () => {
    const [a, b] = [createResource(mail), createResource(mail)]
    const second = listVerifier('second', '0x2', [b.nodeId])
    await new AnyOfVerifier([listVerifier('first', '0x1', [a.nodeId]), second]).verify(mail, [a, b])
    expect(second.asked).to.equal(1)
  })

  it('behavior: a rejection lists every verifier\'s reason', async () => {
    const [verdict] = await new AnyOfVerifier([listVerifier('first', '0x1', []), listVerifier('second', '0x2', [])]).verify(mail, [createResource(mail)])
    expect(verdict?.reason).to.equal('first: not listed by first; second: not listed by second')
  })

  it('behavior: the allow-list does not speak for a rejection another verifier explains, whose code the rejection carries', async () => {
    const [a, b] = [createResource(mail), createResource(mail)]
    const registry = rejectingVerifier('registry', 'not registered as mailserver by any provider', { code: 'not-registered' })
    const verdicts = await new AnyOfVerifier([new AllowListVerifier({ nodeIds: [a.nodeId] }), registry]).verify(mail, [a, b])
    expect(verdicts[0]).to.include({ trusted: true, verifier: 'allow-list' })
    expect(verdicts[1]).to.deep.include({ trusted: false, reason: 'registry: not registered as mailserver by any provider', rejection: { code: 'not-registered' }, verifier: 'any-of' })
  })

  it('behavior: the first explained rejection gives the code', async () => {
    const registry = rejectingVerifier('registry', 'registered only by untrusted provider 0xB', { code: 'untrusted-providers', providers: [{ address: '0xB', trusted: false, status: 'approved' }] })
    const [verdict] = await new AnyOfVerifier([listVerifier('ops', 'ops', []), registry]).verify(mail, [createResource(mail)])
    expect(verdict).to.deep.include({
      reason: 'ops: not listed by ops; registry: registered only by untrusted provider 0xB',
      rejection: { code: 'untrusted-providers', providers: [{ address: '0xB', trusted: false, status: 'approved' }] }
    })
  })

  it('behavior: when only the allow-list could vouch, the rejection says no registry is configured', async () => {
    const [a, b] = [createResource(mail), createResource(mail)]
    const verdicts = await new AnyOfVerifier([new AllowListVerifier({ nodeIds: [a.nodeId] })]).verify(mail, [a, b])
    expect(verdicts[1]).to.deep.include({ trusted: false, reason: 'not on the user\'s allow-list, and no registry is configured to vouch for it', rejection: { code: 'no-registry' } })
  })

  it('behavior: a failing verifier fails closed and the others still decide', async () => {
    const [a, b] = [createResource(mail), createResource(mail)]
    const verdicts = await new AnyOfVerifier([broken, new AllowListVerifier({ nodeIds: [a.nodeId] })]).verify(mail, [a, b])
    expect(verdicts.map((verdict) => verdict.trusted)).to.deep.equal([true, false])
    expect(verdicts[1]).to.deep.include({ reason: 'registry: registry failed: connection refused', rejection: { code: 'verifier-failed' } })
  })

  it('behavior: with no verifiers nothing is trusted', async () => {
    const [verdict] = await new AnyOfVerifier().verify(mail, [createResource(mail)])
    expect(verdict).to.deep.include({ trusted: false, reason: 'no verifier is configured', rejection: { code: 'no-verifier' } })
  })
})

describe('AllOfVerifier', () => {
  verifierTests({
    setup: async () => {
      const [a, b, c] = [createResource(mail), createResource(mail), createResource(mail)] as const
      return {
        verifier: new AllOfVerifier([listVerifier('registry', '0xprovider', [a.nodeId, b.nodeId]), new AllowListVerifier({ nodeIds: [a.nodeId, c.nodeId] })]),
        kind: mail,
        trusted: [a],
        untrusted: [b, c]
      }
    },
    teardown: async () => {}
  })

  it('behavior: trusts only what every verifier trusts, with the first verifier\'s provider', async () => {
    const [a, b] = [createResource(mail), createResource(mail)]
    const verdicts = await new AllOfVerifier([listVerifier('registry', '0xprovider', [a.nodeId, b.nodeId]), listVerifier('ops', 'ops', [a.nodeId])]).verify(mail, [a, b])
    expect(verdicts[0]).to.include({ trusted: true, provider: '0xprovider', reason: 'registry: listed by registry; ops: listed by ops' })
    expect(verdicts[1]).to.include({ trusted: false, reason: 'ops: not listed by ops', verifier: 'ops' })
  })

  it('behavior: a failing verifier rejects everything it was asked about', async () => {
    const a = createResource(mail)
    const [verdict] = await new AllOfVerifier([new AllowListVerifier({ nodeIds: [a.nodeId] }), broken]).verify(mail, [a])
    expect(verdict?.trusted).to.equal(false)
    expect(verdict?.reason).to.contain('connection refused')
    expect(verdict?.rejection).to.deep.equal({ code: 'verifier-failed' })
  })

  it('behavior: a rejection carries the rejecting verifier\'s code', async () => {
    const a = createResource(mail)
    const [verdict] = await new AllOfVerifier([new AllowListVerifier({ nodeIds: [a.nodeId] }), rejectingVerifier('registry', 'not registered', { code: 'not-registered' })]).verify(mail, [a])
    expect(verdict).to.deep.include({ trusted: false, reason: 'registry: not registered', rejection: { code: 'not-registered' }, verifier: 'registry' })
  })

  it('behavior: with no verifiers nothing is trusted', async () => {
    const [verdict] = await new AllOfVerifier().verify(mail, [createResource(mail)])
    expect(verdict).to.deep.include({ trusted: false, rejection: { code: 'no-verifier' } })
  })
})
