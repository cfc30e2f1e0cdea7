import type { ResourceKind, Selector, TrustedVerdict } from '@resource-discovery/core'
import { expect } from 'chai'
import { expectAbortError } from './assert-abort-error.js'
import { createTrustedVerdict } from '../fixtures/node-records.js'
import type { TestSetup } from './test-setup.js'

/** What a {@link selectorTests} setup provides. */
export interface SelectorTestContext {
  /** The implementation under test. */
  readonly selector: Selector
  /** The kind to select for. */
  readonly kind: ResourceKind
  /** Candidates to select among (at least 2); fresh fixtures if absent. */
  readonly candidates?: readonly TrustedVerdict[]
}

/** The behaviour every {@link Selector} must have. */
export function selectorTests (factory: TestSetup<SelectorTestContext>): void {
  describe('Selector compliance', function () {
    let context: SelectorTestContext
    let candidates: readonly TrustedVerdict[]

    beforeEach(async function () {
      context = await factory.setup()
      candidates = context.candidates ?? Array.from({ length: 5 }, () => createTrustedVerdict(context.kind))
      expect(candidates.length, 'the setup must give at least 2 candidates').to.be.at.least(2)
    })

    afterEach(async function () {
      await factory.teardown(context)
    })

    it('behavior: returns one of the candidates, as given', async function () {
      const selected = await context.selector.select(context.kind, candidates)
      expect(candidates).to.include(selected)
    })

    it('behavior: every pick over many calls is a candidate', async function () {
      for (let call = 0; call < 50; call++) {
        expect(candidates).to.include(await context.selector.select(context.kind, candidates))
      }
    })

    it('behavior: does not change the candidates', async function () {
      const copy = [...candidates]
      await context.selector.select(context.kind, Object.freeze(copy))
      expect(copy).to.deep.equal([...candidates])
    })

    it('args: no candidates gives undefined', async function () {
      expect(await context.selector.select(context.kind, [])).to.equal(undefined)
    })

    it('args: a single candidate is returned', async function () {
      const [only] = candidates as [TrustedVerdict]
      expect(await context.selector.select(context.kind, [only])).to.equal(only)
    })

    it('behavior: what it tells context.report are sentences, and a pick comes with them', async function () {
      const notes: unknown[] = []
      for (let call = 0; call < 10; call++) {
        expect(candidates).to.include(await context.selector.select(context.kind, candidates, { report: (note) => { notes.push(note) } }))
      }
      for (const note of notes) {
        expect(note).to.be.a('string').and.not.equal('')
      }
    })

    it('behavior: after failure reports on every candidate, even "overloaded", it still picks one of them', async function () {
      const takes = [typeof context.selector.reportFailure, typeof context.selector.reportSuccess]
      expect(takes[0], 'a selector that takes reports takes both kinds').to.equal(takes[1])
      for (const candidate of candidates) {
        context.selector.reportFailure?.(context.kind, candidate, { error: new Error('connection refused') })
        context.selector.reportFailure?.(context.kind, candidate, { overloaded: true })
      }
      for (let call = 0; call < 10; call++) {
        expect(candidates).to.include(await context.selector.select(context.kind, candidates))
      }
      const [first] = candidates as [TrustedVerdict]
      context.selector.reportSuccess?.(context.kind, first)
      expect(candidates).to.include(await context.selector.select(context.kind, candidates))
      expect(await context.selector.select(context.kind, [])).to.equal(undefined)
    })

    it('error: rejects with AbortError when the signal is already aborted', async function () {
      const controller = new AbortController()
      controller.abort()
      await expectAbortError(async () => context.selector.select(context.kind, candidates, { signal: controller.signal }))
    })
  })
}
