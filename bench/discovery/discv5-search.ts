/**
 * One search of the discovery benchmark on a simulated discv5 network: a
 * fresh client joins through the bootnodes (its bootstrap lookup, awaited
 * and counted apart), then looks for every server of a kind with one of
 * the discoverer's strategies, counting the requests it sends until the
 * first server and until all of them.
 *
 * - `topic`: the topic search alone (`topdisc/1` TOPICQUERYs, and the
 *   nodes registrars return), asking only nodes whose ENR marks them as
 *   registrars;
 * - `topic-any`: the same, asking any node (registrar selection `'any'`);
 * - `topic-upstream-lookups`: the same as `topic`, with every discv5 lookup
 *   of the process (the client's bootstrap above all) as
 *   `@chainsafe/discv5` 11 ships it, without this repository's repair;
 * - `walk`: the capability-filtered random walk alone (FINDNODE lookups
 *   towards random ids, ENRs filtered on the kind's field), under a budget;
 * - `topic+walk`: the discoverer as it runs by default: the topic search,
 *   and the walk once the search has ended or had its head start.
 */
import type { ResourceKind } from '@resource-discovery/core'
import { Discv5Discoverer, Discv5Node } from '@resource-discovery/discv5'
// the benchmark's "before" of the lookup repair: not part of the package's API
import { useUpstreamLookups } from '../../packages/discv5/src/node/lookup-repair.js'
import { SIMULATION_REQUEST_TIMEOUT_MS, type SimulatedNetwork } from './discv5-network.js'
import type { RunResult } from './run-result.js'

/** The discv5 strategies the benchmark compares. */
export type Discv5Strategy = 'topic' | 'topic-any' | 'topic-upstream-lookups' | 'walk' | 'topic+walk'

/** A search's limits: requests the client sends, and wall time. */
export interface SearchBudget {
  readonly messages: number
  readonly ms: number
}

/** Random lookups the walk may run: enough that the budget, not this, ends it. */
const WALK_LOOKUPS = 100_000

/** Runs one search from a fresh client; see the file comment. */
export async function searchOnce (network: SimulatedNetwork, kind: ResourceKind, strategy: Discv5Strategy, budget: SearchBudget): Promise<RunResult> {
  useUpstreamLookups(strategy === 'topic-upstream-lookups')
  try {
    return await search(network, kind, strategy, budget)
  } finally {
    useUpstreamLookups(false)
  }
}

async function search (network: SimulatedNetwork, kind: ResourceKind, strategy: Discv5Strategy, budget: SearchBudget): Promise<RunResult> {
  const client = new Discv5Node({
    memoryNetwork: network.memory,
    bindHost: network.clientHost(),
    udpPort: 30303,
    bootnodes: network.bootnodes,
    bootstrapLookup: true,
    registrar: false,
    requestTimeoutMs: SIMULATION_REQUEST_TIMEOUT_MS,
    lookupTimeoutMs: 30_000,
    topics: { requestTimeoutMs: SIMULATION_REQUEST_TIMEOUT_MS }
  })
  await client.start()
  const bootstrapMessages = client.messagesSent()
  const discoverer = new Discv5Discoverer({
    node: client,
    passTimeoutMs: budget.ms,
    ...(strategy === 'topic' || strategy === 'topic-any' || strategy === 'topic-upstream-lookups' ? { randomWalk: false } : {}),
    ...(strategy === 'topic-any' ? { registrarSelection: 'any' as const } : {}),
    ...(strategy === 'walk' ? { topicSearch: false, randomWalkLookups: WALK_LOOKUPS } : {})
  })
  await discoverer.start()
  const sent = (): number => client.messagesSent() - bootstrapMessages
  const wanted = new Set((network.servers.get(kind.name) ?? []).map((server) => server.nodeId))
  const startedAt = performance.now()
  let first: { messages: number, ms: number } | undefined
  let all: { messages: number, ms: number } | undefined
  let found = 0
  // the message budget is checked every 20 ms: a run may overshoot it by a few requests
  const stop = new AbortController()
  const poll = setInterval(() => {
    if (sent() >= budget.messages) {
      stop.abort()
    }
  }, 20)
  try {
    for await (const resource of discoverer.discover(kind, { signal: stop.signal })) {
      if (!wanted.has(resource.nodeId)) {
        continue
      }
      found++
      const point = { messages: sent(), ms: performance.now() - startedAt }
      first ??= point
      if (found === wanted.size) {
        all = point
        break
      }
    }
  } catch (err) {
    if (!stop.signal.aborted) {
      throw err
    }
  } finally {
    clearInterval(poll)
  }
  const totalMessages = sent()
  const totalMs = performance.now() - startedAt
  await discoverer.stop()
  await client.stop()
  network.forgetClient(client.nodeId)
  return {
    bootstrapMessages,
    firstMessages: first?.messages ?? Number.NaN,
    firstMs: first?.ms ?? Number.NaN,
    allMessages: all?.messages ?? Number.NaN,
    allMs: all?.ms ?? Number.NaN,
    totalMessages,
    totalMs,
    found,
    servers: wanted.size
  }
}
