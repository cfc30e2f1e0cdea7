import { InvalidConfigurationError } from '@resource-discovery/core'
import { mailserverServicePlugin } from '@resource-discovery/plugin-mailserver/server'
import type { ResourceServicePlugin } from '@resource-discovery/server'
import { expect } from 'chai'
import { checkLocalNetworkInit, checkLocalServerInit } from '../src/check-local-network-init.js'
import type { LocalServerInit, StartLocalNetworkInit } from '../src/local-network-init.js'

describe('checkLocalNetworkInit', () => {
  it('behavior: returns the providers by label, in the order given', () => {
    const providers = checkLocalNetworkInit({
      providers: [{ label: 'b' }, { label: 'a', status: 'pending' }, { label: 'c', status: 'suspended' }],
      servers: [{ label: 'x', plugin: mailserverServicePlugin, registeredBy: 'c' }],
      chain: { accountCount: 4 }
    })
    expect([...providers.keys()]).to.deep.equal(['b', 'a', 'c'])
    expect(providers.get('a')?.status).to.equal('pending')
    expect(checkLocalNetworkInit({}).size).to.equal(0)
  })

  it('args: each malformed option is named, with a message that says what is expected', () => {
    const cases: Array<[StartLocalNetworkInit, string, string]> = [
      [{ providers: [{ label: '' }] }, 'providers[0].label', 'a label is 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit; got ""'],
      [{ providers: [{ label: 'a' }, { label: 'a' }] }, 'providers[1].label', 'the label "a" is used twice'],
      [{ providers: [{ label: 'a', status: 'gone' as 'approved' }] }, 'providers[0].status', 'expected approved, pending or suspended, got "gone"'],
      [{ servers: [{ label: 'x', plugin: {} as ResourceServicePlugin }] }, 'servers[0].plugin', 'expected a ResourceServicePlugin (kind, options, createService), e.g. mailserverServicePlugin'],
      [{ servers: [{ label: 'x', plugin: { kind: mailserverServicePlugin.kind } as ResourceServicePlugin }] }, 'servers[0].plugin', 'expected a ResourceServicePlugin'],
      [{ servers: [{ label: 'x', plugin: mailserverServicePlugin, registeredBy: 'nobody' }] }, 'servers[0].registeredBy', 'no provider is labelled "nobody" (known: none)'],
      [{ providers: [{ label: 'p' }, { label: 'q', status: 'pending' }], servers: [{ label: 'x', plugin: mailserverServicePlugin, registeredBy: 'q' }] }, 'servers[0].registeredBy', 'provider "q" is pending'],
      [{ servers: [{ label: 'x', plugin: mailserverServicePlugin }, { label: 'x', plugin: mailserverServicePlugin }] }, 'servers[1].label', 'the label "x" is used twice'],
      [{ providers: [{ label: 'a' }, { label: 'b' }], chain: { accountCount: 2 } }, 'chain.accountCount', 'the curator and 2 provider(s) need 3 accounts, got 2']
    ]
    for (const [init, option, message] of cases) {
      expect(() => checkLocalNetworkInit(init), option).to.throw(InvalidConfigurationError, message).with.property('option', option)
    }
  })

  it('args: a label is at most 64 characters and names no path', () => {
    expect(() => checkLocalNetworkInit({ providers: [{ label: 'a'.repeat(64) }, { label: 'a.b_c-1' }] })).to.not.throw()
    for (const label of ['a'.repeat(65), '../x', '.hidden', 'a/b', 'a b']) {
      expect(() => checkLocalNetworkInit({ providers: [{ label }] }), label).to.throw(InvalidConfigurationError).with.property('option', 'providers[0].label')
    }
  })
})

describe('checkLocalServerInit', () => {
  it('behavior: names the options under the prefix given and lists the known providers', () => {
    const providers = new Map([['default', { status: 'approved' as const }], ['other', {}]])
    const init: LocalServerInit = { label: 'mail-9', plugin: mailserverServicePlugin, registeredBy: 'nobody' }
    expect(() => { checkLocalServerInit(init, 'server', providers) }).to.throw(InvalidConfigurationError, '(known: default, other)').with.property('option', 'server.registeredBy')
    expect(() => { checkLocalServerInit({ ...init, registeredBy: 'other' }, 'server', providers) }).to.not.throw()
  })
})
