import { createResource, verifierTests } from '@resource-discovery/interface-compliance-tests'
import { expect } from 'chai'
import { AllOfVerifier, AllowListVerifier, AnyOfVerifier, defineResourceKind, type Resource, type Verifier } from '../../src/index.js'

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

  it('behavior: a failing verifier fails closed and the others still decide', async () => {
    const [a, b] = [createResource(mail), createResource(mail)]
    const verdicts = await new AnyOfVerifier([broken, new AllowListVerifier({ nodeIds: [a.nodeId] })]).verify(mail, [a, b])
    expect(verdicts.map((verdict) => verdict.trusted)).to.deep.equal([true, false])
    expect(verdicts[1]?.reason).to.contain('registry failed: connection refused')
  })

  it('behavior: with no verifiers nothing is trusted', async () => {
    const [verdict] = await new AnyOfVerifier().verify(mail, [createResource(mail)])
    expect(verdict).to.include({ trusted: false, reason: 'no verifier is configured' })
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
  })

  it('behavior: with no verifiers nothing is trusted', async () => {
    const [verdict] = await new AllOfVerifier().verify(mail, [createResource(mail)])
    expect(verdict?.trusted).to.equal(false)
  })
})
