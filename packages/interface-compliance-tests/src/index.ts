/**
 * Compliance suites for `@resource-discovery/core`'s interfaces: every
 * {@link Discoverer}, {@link Verifier} and {@link Selector} implementation,
 * built in or contributed, runs the suite of its interface, so each keeps the
 * same contract. Also fixtures that make real signed node records.
 *
 * @example
 * ```ts
 * import { selectorTests } from '@resource-discovery/interface-compliance-tests'
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
export { expectAbortError } from './assert-abort-error.js'
export { discovererTests, type DiscovererTestContext } from './discoverer-tests.js'
export { createNodeKey, createNodeRecord, createResource, createTrustedVerdict, type NodeKey, type NodeRecordOptions } from './fixtures.js'
export { selectorTests, type SelectorTestContext } from './selector-tests.js'
export type { TestSetup } from './test-setup.js'
export { verifierTests, type VerifierTestContext } from './verifier-tests.js'
