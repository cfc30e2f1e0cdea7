import { createResourceContainer, ResourceClient, ResourceKinds } from '@resource-discovery/core'
import { createNodeRecord } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { id } from 'ethers'
import { MAILSERVER_HISTORY_PROTOCOL, mailserver, mailserverKind } from '../src/index.js'

describe('mailserver plugin', () => {
  it('behavior: contributes the mailserver kind to a container', () => {
    const kinds = createResourceContainer({ plugins: [mailserver()] }).get<ResourceKinds>(ResourceKinds)
    expect(kinds.get('mailserver')).to.equal(mailserverKind)
  })

  it('behavior: the kind has its topic, registry kind id and protocols', () => {
    expect(mailserverKind.topic).to.equal('/resource-discovery/mailserver/1')
    expect(mailserverKind.kindId).to.equal(id('mailserver'))
    expect(mailserverKind.protocols).to.include(MAILSERVER_HISTORY_PROTOCOL)
  })

  it('behavior: a user\'s own mail server is found through the plugin\'s kind', async () => {
    const record = createNodeRecord({ tcp: 4001 })
    const client = createResourceContainer({ plugins: [mailserver()], userServers: [{ kind: 'mailserver', address: record.enr }] }).get(ResourceClient)
    await client.start()
    try {
      const { selected } = await client.find('mailserver')
      expect(selected.resource.multiaddrs).to.deep.equal([`/ip4/127.0.0.1/tcp/4001/p2p/${record.peerId}`])
    } finally {
      await client.stop()
    }
  })
})
