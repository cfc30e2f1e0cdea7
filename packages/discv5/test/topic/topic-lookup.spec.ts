import { expect } from 'chai'
import { nodeInternals } from '../../src/node/discv5-node.js'
import { topicId } from '../../src/topic/topic-id.js'
import { topicLookup } from '../../src/topic/topic-lookup.js'
import { adsPlacedNearTopic, mailKind, startNetwork, waitFor, type TestNetwork } from '../fixtures/network.js'
import { recordingLogger } from '../fixtures/recording-logger.js'

describe('topicLookup consumer errors', function () {
  this.timeout(30_000)
  let network: TestNetwork

  before(async function () {
    network = await startNetwork({ size: 8, servers: [[mailKind, 2]], node: { registrar: { ipScoreWeight: 0, adLifetimeMs: 60_000 } } })
    const mail = network.servers.get('mailserver') ?? []
    mail.forEach((node) => { node.advertise(mailKind) })
    await waitFor(() => mail.every((node) => adsPlacedNearTopic(network, node, mailKind.topic)), 15_000, 'the mail servers\' ads near the topic')
  })

  after(async function () {
    await network.stop()
  })

  it('behavior: an onAd that throws is logged (warn, with advertiser and registrar) and counted in the result; the lookup goes on to every advertiser', async function () {
    const inner = nodeInternals(network.boot)
    if (inner === undefined) {
      throw new Error('the bootnode is not started')
    }
    const logger = recordingLogger()
    const delivered: string[] = []
    const result = await topicLookup(inner.protocol, topicId(mailKind.topic), inner.adapter.kadValues(), {
      logger,
      onAd: (enr) => {
        delivered.push(enr.nodeId)
        throw new Error(`consumer fault on ${enr.nodeId.slice(0, 8)}`)
      }
    })
    const mailIds = (network.servers.get('mailserver') ?? []).map((node) => node.nodeId)
    expect(new Set(delivered), 'every advertiser reached the consumer despite its throws').to.deep.equal(new Set(mailIds))
    expect(result.advertisers).to.equal(mailIds.length)
    expect(result.adErrors).to.equal(delivered.length)
    const warnings = logger.records.filter((record) => record.level === 'warn')
    expect(warnings).to.have.length(delivered.length)
    for (const warning of warnings) {
      expect(mailIds).to.include(warning.fields.advertiser)
      expect(warning.fields.registrar).to.be.a('string')
      expect((warning.fields.err as Error).message).to.match(/^consumer fault on /)
    }
  })
})
