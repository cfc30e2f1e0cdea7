import { identityFromPublicKey, decodeEnr, type Discoverer, type Resource, type ResourceKind } from '@resource-discovery/core'
import { expect } from 'chai'
import { expectAbortError } from './assert-abort-error.js'
import type { TestSetup } from './test-setup.js'

/** What a {@link discovererTests} setup provides. */
export interface DiscovererTestContext {
  /** The implementation under test, started if it needs starting. */
  readonly discoverer: Discoverer
  /** The kind to discover. */
  readonly kind: ResourceKind
  /** Node ids of every server of `kind` the discoverer must find. */
  readonly expected: readonly string[]
  /** Node ids of servers of other kinds, which must never be yielded for `kind`. */
  readonly others: readonly string[]
  /** How long one full pass may take (ms); default 10 s. */
  readonly passTimeoutMs?: number
}

async function collect (discoverer: Discoverer, kind: ResourceKind, signal?: AbortSignal): Promise<Resource[]> {
  const resources: Resource[] = []
  for await (const resource of discoverer.discover(kind, signal === undefined ? {} : { signal })) {
    resources.push(resource)
  }
  return resources
}

/**
 * The behaviour every {@link Discoverer} must have. Call it inside a
 * `describe` of the implementation.
 *
 * @example
 * ```ts
 * describe('StaticDiscoverer', () => {
 *   discovererTests({ setup: async () => ({ discoverer, kind, expected, others }), teardown: async () => {} })
 * })
 * ```
 */
export function discovererTests (factory: TestSetup<DiscovererTestContext>): void {
  describe('Discoverer compliance', function () {
    let context: DiscovererTestContext

    beforeEach(async function () {
      context = await factory.setup()
      this.timeout((context.passTimeoutMs ?? 10_000) * 2)
    })

    afterEach(async function () {
      await factory.teardown(context)
    })

    it('behavior: yields every server of the kind', async function () {
      const found = (await collect(context.discoverer, context.kind)).map((resource) => resource.nodeId)
      expect(found).to.include.members([...context.expected])
    })

    it('behavior: yields only servers of the requested kind', async function () {
      const found = await collect(context.discoverer, context.kind)
      for (const resource of found) {
        expect(resource.kind).to.equal(context.kind.name)
        expect(context.others).to.not.include(resource.nodeId)
      }
    })

    it('behavior: yields each node id at most once per pass', async function () {
      const found = (await collect(context.discoverer, context.kind)).map((resource) => resource.nodeId)
      expect(new Set(found).size).to.equal(found.length)
    })

    it('behavior: every resource carries one consistent identity', async function () {
      const found = await collect(context.discoverer, context.kind)
      expect(found).to.not.be.empty
      for (const resource of found) {
        const identity = identityFromPublicKey(resource.publicKey)
        expect(identity.nodeId).to.equal(resource.nodeId)
        expect(identity.peerId).to.equal(resource.peerId)
        if (resource.enr !== undefined) {
          expect(decodeEnr(resource.enr).nodeId).to.equal(resource.nodeId)
        }
        for (const address of resource.multiaddrs) {
          expect(address.endsWith(`/p2p/${resource.peerId}`), address).to.equal(true)
        }
        expect(resource.firstSeen).to.be.at.most(resource.lastSeen)
      }
    })

    it('behavior: a consumer may stop after the first result', async function () {
      let first: Resource | undefined
      for await (const resource of context.discoverer.discover(context.kind)) {
        first = resource
        break
      }
      expect(first?.kind).to.equal(context.kind.name)
    })

    it('error: rejects with AbortError when the signal is already aborted', async function () {
      const controller = new AbortController()
      controller.abort()
      await expectAbortError(async () => collect(context.discoverer, context.kind, controller.signal))
    })

    it('error: yields nothing more once aborted during a pass', async function () {
      const controller = new AbortController()
      let yieldedAfterAbort = 0
      let error: unknown
      try {
        for await (const _resource of context.discoverer.discover(context.kind, { signal: controller.signal })) {
          if (controller.signal.aborted) {
            yieldedAfterAbort++
          }
          controller.abort()
        }
      } catch (err) {
        error = err
      }
      expect(controller.signal.aborted, 'the pass yielded nothing to abort on').to.equal(true)
      expect(yieldedAfterAbort).to.equal(0)
      if (error !== undefined) {
        expect((error as Error).name).to.equal('AbortError')
      }
    })
  })
}
