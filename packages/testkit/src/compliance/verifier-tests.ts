import type { Resource, ResourceKind, Verifier } from '@resource-discovery/core'
import { expect } from 'chai'
import { expectAbortError } from './assert-abort-error.js'
import type { TestSetup } from './test-setup.js'

/** What a {@link verifierTests} setup provides. */
export interface VerifierTestContext {
  /** The implementation under test, started if it needs starting. */
  readonly verifier: Verifier
  /** The kind the resources are of. */
  readonly kind: ResourceKind
  /** Resources the verifier must trust. */
  readonly trusted: readonly Resource[]
  /** Resources the verifier must not trust. */
  readonly untrusted: readonly Resource[]
}

/** `trusted` and `untrusted` interleaved, so order mistakes show. */
function interleave (context: VerifierTestContext): Resource[] {
  const batch: Resource[] = []
  for (let index = 0; index < Math.max(context.trusted.length, context.untrusted.length); index++) {
    const untrusted = context.untrusted[index]
    const trusted = context.trusted[index]
    if (untrusted !== undefined) {
      batch.push(untrusted)
    }
    if (trusted !== undefined) {
      batch.push(trusted)
    }
  }
  return batch
}

/**
 * The behaviour every {@link Verifier} must have. The setup must give at
 * least one trusted and one untrusted resource.
 */
export function verifierTests (factory: TestSetup<VerifierTestContext>): void {
  describe('Verifier compliance', function () {
    let context: VerifierTestContext

    beforeEach(async function () {
      context = await factory.setup()
      expect(context.trusted, 'the setup must give trusted resources').to.not.be.empty
      expect(context.untrusted, 'the setup must give untrusted resources').to.not.be.empty
    })

    afterEach(async function () {
      await factory.teardown(context)
    })

    it('behavior: returns one verdict per resource, in order', async function () {
      const batch = interleave(context)
      const verdicts = await context.verifier.verify(context.kind, batch)
      expect(verdicts).to.have.length(batch.length)
      verdicts.forEach((verdict, index) => {
        expect(verdict.resource.nodeId).to.equal(batch[index]?.nodeId)
      })
    })

    it('behavior: trusts the trusted resources and names who vouches', async function () {
      const verdicts = await context.verifier.verify(context.kind, context.trusted)
      for (const verdict of verdicts) {
        expect(verdict.trusted, verdict.reason).to.equal(true)
        expect(verdict.provider).to.be.a('string').and.not.be.empty
      }
    })

    it('behavior: rejects the untrusted resources with a reason', async function () {
      const verdicts = await context.verifier.verify(context.kind, context.untrusted)
      for (const verdict of verdicts) {
        expect(verdict.trusted).to.equal(false)
        expect(verdict.reason).to.be.a('string').and.not.be.empty
      }
    })

    it('behavior: every verdict names its verifier and gives a reason', async function () {
      const verdicts = await context.verifier.verify(context.kind, interleave(context))
      for (const verdict of verdicts) {
        expect(verdict.verifier).to.be.a('string').and.not.be.empty
        expect(verdict.reason).to.be.a('string').and.not.be.empty
      }
    })

    it('args: an empty batch gives no verdicts', async function () {
      expect(await context.verifier.verify(context.kind, [])).to.deep.equal([])
    })

    it('args: a resource given twice gets a verdict each time', async function () {
      const [trusted] = context.trusted
      const [untrusted] = context.untrusted
      const batch = [trusted, untrusted, trusted, untrusted] as Resource[]
      const verdicts = await context.verifier.verify(context.kind, batch)
      expect(verdicts.map((verdict) => verdict.trusted)).to.deep.equal([true, false, true, false])
    })

    it('error: rejects with AbortError when the signal is already aborted', async function () {
      const controller = new AbortController()
      controller.abort()
      await expectAbortError(async () => context.verifier.verify(context.kind, interleave(context), { signal: controller.signal }))
    })
  })
}
