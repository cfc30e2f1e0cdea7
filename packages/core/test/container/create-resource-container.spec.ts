import { createNodeRecord } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { ContainerModule } from 'inversify'
import {
  AllowListVerifier, createResourceContainer, defineResourceKind, InvalidConfigurationError, ResourceClient,
  ResourceKindContribution, ResourceKinds, Selector, type Selector as SelectorType
} from '../../src/index.js'

const bridge = defineResourceKind({ name: 'bridge' })
const bridgePlugin = new ContainerModule(({ bind }) => { bind(ResourceKindContribution).toConstantValue(bridge) })

describe('createResourceContainer', () => {
  it('behavior: plugins contribute kinds', () => {
    const container = createResourceContainer({ plugins: [bridgePlugin] })
    expect(container.get<ResourceKinds>(ResourceKinds).get('bridge')).to.equal(bridge)
  })

  it('behavior: services are singletons', () => {
    const container = createResourceContainer()
    expect(container.get(ResourceClient)).to.equal(container.get(ResourceClient))
  })

  it('behavior: user servers are trusted through the allow-list', () => {
    const record = createNodeRecord()
    const container = createResourceContainer({ plugins: [bridgePlugin], userServers: [{ kind: 'bridge', address: record.enr }] })
    expect(container.get(AllowListVerifier).has(record.nodeId)).to.equal(true)
  })

  it('behavior: a module may rebind any token', async () => {
    const first: SelectorType = { name: 'first', select: async (_kind, candidates) => candidates[0] }
    const container = createResourceContainer({
      plugins: [bridgePlugin],
      modules: [new ContainerModule(({ rebind }) => { rebind<SelectorType>(Selector).toConstantValue(first) })]
    })
    expect(container.get(Selector)).to.equal(first)
  })

  it('error: a bad user server names its option', () => {
    expect(() => createResourceContainer({ plugins: [bridgePlugin], userServers: [{ kind: 'bridge', address: 'enr:xyz' }] }))
      .to.throw(InvalidConfigurationError, /userServers\[0\]\.address/)
  })

  it('error: a server of a kind no plugin provides', () => {
    expect(() => createResourceContainer({ servers: [{ kind: 'bridge', address: createNodeRecord().enr }] }))
      .to.throw(InvalidConfigurationError, /servers\[0\]\.kind/)
  })

  it('error: a malformed trusted node id', () => {
    expect(() => createResourceContainer({ trustedNodeIds: ['0x12'] })).to.throw(InvalidConfigurationError, /nodeIds\[0\]/)
  })
})
