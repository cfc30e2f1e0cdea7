/**
 * Everything a test of the framework, or of a plugin built on it, imports:
 *
 * - **Compliance suites** for core's interfaces: every {@link Discoverer},
 *   {@link Verifier} and {@link Selector} implementation, built in or
 *   contributed, runs the suite of its interface, so each keeps the same
 *   contract (in the manner of `@libp2p/interface-compliance-tests`).
 * - **Fixtures** that make real signed node records and resources.
 * - **Helpers**: the next event of a client or any event target, the reason
 *   a promise rejects, a selector whose choice the test controls, polling
 *   until a condition holds, and a free loopback port.
 *
 * The local chain and the whole local network are at the subpaths
 * `@resource-discovery/testkit/chain` and `@resource-discovery/testkit/network`,
 * so that unit tests that need neither do not load them.
 *
 * @example
 * ```ts
 * import { selectorTests } from '@resource-discovery/testkit'
 * import { defineResourceKind, RandomSelector } from '@resource-discovery/core'
 *
 * describe('RandomSelector', () => {
 *   selectorTests({
 *     setup: async () => ({ selector: new RandomSelector(), kind: defineResourceKind({ name: 'test' }) }),
 *     teardown: async () => {}
 *   })
 * })
 * ```
 *
 * @packageDocumentation
 */
export { expectAbortError } from './compliance/assert-abort-error.js'
export { discovererTests, type DiscovererTestContext } from './compliance/discoverer-tests.js'
export { selectorTests, type SelectorTestContext } from './compliance/selector-tests.js'
export type { TestSetup } from './compliance/test-setup.js'
export { verifierTests, type VerifierTestContext } from './compliance/verifier-tests.js'
export { createNodeKey, createNodeRecord, createResource, createTrustedVerdict, type NodeKey, type NodeRecordOptions } from './fixtures/node-records.js'
export {
  DEFAULT_NEXT_EVENT_TIMEOUT_MS, nextClientEvent, nextClientEvents, nextEvent, nextEvents, recordClientEvents, type ClientEventDetail, type EventSource, type NextEventOptions
} from './helpers/next-event.js'
export { orderedSelector } from './helpers/ordered-selector.js'
export { rejection, thrown, type ErrorClass } from './helpers/rejection.js'
export { unusedTcpPort } from './helpers/unused-tcp-port.js'
export { waitUntil } from './helpers/wait-until.js'
