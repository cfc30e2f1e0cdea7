import { defineResourceKind, type Verdict } from '@resource-discovery/core'
import { createResource } from '@resource-discovery/testkit'
import { expect } from 'chai'
import Fastify from 'fastify'
import { verdictSchema } from '../src/http/schemas.js'
import { verdictView } from '../src/http/views.js'

const mail = defineResourceKind({ name: 'mailserver' })
const other = `0x${'b0'.repeat(20)}`

/** `verdict` as the API answers it: its view, serialized by the response schema the routes use. */
async function served (verdict: Verdict): Promise<Record<string, unknown>> {
  const app = Fastify()
  app.get('/', { schema: { response: { 200: verdictSchema } } }, async () => verdictView(verdict))
  const response = await app.inject({ method: 'GET', url: '/' })
  await app.close()
  return response.json()
}

describe('verdictView', () => {
  it('behavior: a rejection\'s code and the providers that registered the server reach the answer', async () => {
    const body = await served({
      resource: createResource(mail),
      trusted: false,
      reason: `registry: registered as mailserver only by untrusted provider ${other}`,
      rejection: { code: 'untrusted-providers', providers: [{ address: other, trusted: false, status: 'approved' }] },
      verifier: 'any-of'
    })
    expect(body).to.deep.include({
      trusted: false,
      provider: null,
      reason: `registry: registered as mailserver only by untrusted provider ${other}`,
      rejection: { code: 'untrusted-providers', providers: [{ address: other, trusted: false, status: 'approved' }] }
    })
  })

  it('behavior: a rejection without providers lists none, and a trusted verdict has no rejection', async () => {
    const resource = createResource(mail)
    expect((await served({ resource, trusted: false, reason: 'registry: not registered as mailserver by any provider', rejection: { code: 'not-registered' }, verifier: 'any-of' })).rejection)
      .to.deep.equal({ code: 'not-registered', providers: [] })
    expect((await served({ resource, trusted: true, provider: other, reason: 'registered', verifier: 'registry' })).rejection).to.equal(null)
  })
})
