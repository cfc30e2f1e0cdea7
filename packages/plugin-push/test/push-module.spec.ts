import { createResourceContainer, DuplicateResourceKindError, ResourceKinds } from '@resource-discovery/core'
import { expect } from 'chai'
import { id } from 'ethers'
import { PUSH_REGISTER_PROTOCOL, push, pushKind } from '../src/index.js'

describe('push plugin', () => {
  it('behavior: contributes the push kind to a container', () => {
    const kinds = createResourceContainer({ plugins: [push()] }).get<ResourceKinds>(ResourceKinds)
    expect(kinds.list()).to.deep.equal([pushKind])
  })

  it('behavior: the kind has its topic, registry kind id and protocols', () => {
    expect(pushKind.topic).to.equal('/resource-discovery/push/1')
    expect(pushKind.kindId).to.equal(id('push'))
    expect(pushKind.protocols).to.deep.equal([PUSH_REGISTER_PROTOCOL])
  })

  it('error: loading the plugin twice is reported', () => {
    expect(() => createResourceContainer({ plugins: [push(), push()] })).to.throw(DuplicateResourceKindError)
  })
})
