import { createNodeRecord } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { ContainerModule } from 'inversify'
import {
  createResourceContainer, defineResourceKind, KindSelector, PinnedSelector, ResourceClient, ResourceKindContribution, type SelectionChange
} from '../../src/index.js'

const mail = defineResourceKind({ name: 'mailserver' })

describe('selection notes in ResourceWatch', () => {
  let client: ResourceClient | undefined

  afterEach(async () => {
    await client?.stop()
    client = undefined
  })

  it('behavior: what the selector tells context.report joins the selection:changed reason', async () => {
    const own = createNodeRecord()
    const gone = createNodeRecord()
    const selector = new PinnedSelector({ nodeIds: [gone.nodeId] })
    client = createResourceContainer({
      modules: [new ContainerModule(({ bind }) => {
        bind(ResourceKindContribution).toConstantValue(mail)
        bind(KindSelector).toConstantValue({ kind: 'mailserver', selector })
      })],
      client: { rediscoverIntervalMs: 20, reverifyIntervalMs: 30, verifyBatchDelayMs: 5 },
      userServers: [{ kind: 'mailserver', address: own.enr }]
    }).get(ResourceClient)
    await client.start()
    const changes: SelectionChange[] = []
    client.addEventListener('selection:changed', (event) => { changes.push(event.detail) })
    const watch = client.watch('mailserver')
    await watch.ready()
    expect(watch.selected?.resource.nodeId).to.equal(own.nodeId)
    expect(changes).to.have.length(1)
    expect(changes[0]?.reason).to.match(new RegExp(`^first selection \\(.+\\); pinned ${gone.nodeId.slice(0, 8)} is not a verified candidate; fell back to random$`))
  })
})
