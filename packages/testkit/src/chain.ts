/**
 * The local chain for tests: anvil from npm on a free loopback port, its
 * funded accounts, and the RPC proxy that behaves as public providers do
 * (range caps, 429s, lies). The same API as `@resource-discovery/devchain`.
 *
 * @example
 * ```ts
 * import { startDevChain } from '@resource-discovery/testkit/chain'
 *
 * const chain = await startDevChain()
 * try {
 *   // chain.rpcUrl, chain.accounts
 * } finally {
 *   await chain.stop()
 * }
 * ```
 *
 * @packageDocumentation
 */
export * from '@resource-discovery/devchain'
