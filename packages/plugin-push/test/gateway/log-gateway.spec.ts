import { silentLogger, type Logger } from '@resource-discovery/core'
import { expect } from 'chai'
import { LogGateway } from '../../src/server/index.js'
import { TOPIC_A } from '../fixtures/push-harness.js'

describe('LogGateway', () => {
  it('behavior: writes each notification to the injected logger at info, without the payload', async () => {
    const records: Array<{ fields: Record<string, unknown>, message: string, bindings: Record<string, unknown> }> = []
    const logger = (bindings: Record<string, unknown>): Logger => ({
      ...silentLogger,
      info: (fields, message) => { records.push({ fields, message, bindings }) },
      child: (more) => logger({ ...bindings, ...more })
    })
    await new LogGateway({ logger: logger({}) }).notify({
      registrationId: 'ab'.repeat(16), deviceToken: 'token-1', topic: TOPIC_A, envelopeId: `0x${'cd'.repeat(32)}`, timestamp: 7, payload: Uint8Array.of(1, 2)
    })
    expect(records).to.deep.equal([{
      fields: { registrationId: 'ab'.repeat(16), deviceToken: 'token-1', topic: TOPIC_A, envelopeId: `0x${'cd'.repeat(32)}`, timestamp: 7, payloadBytes: 2 },
      message: 'push notification',
      bindings: { component: 'push-log-gateway' }
    }])
  })
})
