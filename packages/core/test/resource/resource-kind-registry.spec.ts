import { expect } from 'chai'
import { defineResourceKind, DuplicateResourceKindError, ResourceKindRegistry, UnknownResourceKindError } from '../../src/index.js'

describe('ResourceKindRegistry', () => {
  const mail = defineResourceKind({ name: 'mailserver' })
  const push = defineResourceKind({ name: 'push' })

  it('behavior: gives the contributed kinds by name, in order', () => {
    const registry = new ResourceKindRegistry([mail, push])
    expect(registry.get('push')).to.equal(push)
    expect(registry.has('mailserver')).to.equal(true)
    expect(registry.list()).to.deep.equal([mail, push])
  })

  it('error: an unknown kind names the known ones', () => {
    const registry = new ResourceKindRegistry([mail, push])
    expect(() => registry.get('bridge')).to.throw(UnknownResourceKindError, /mailserver, push/)
  })

  it('error: an empty registry says no kinds are registered', () => {
    expect(() => new ResourceKindRegistry().get('bridge')).to.throw(UnknownResourceKindError, /no kinds are registered/)
  })

  it('error: two kinds of one name', () => {
    expect(() => new ResourceKindRegistry([mail, mail])).to.throw(DuplicateResourceKindError, /name/)
  })

  it('error: two kinds of one topic', () => {
    expect(() => new ResourceKindRegistry([mail, defineResourceKind({ name: 'other', topic: mail.topic })])).to.throw(DuplicateResourceKindError, /topic/)
  })
})
