import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { InvalidDevChainOptionsError } from '../errors.js'
import { blockOffsetStage } from './block-offset.js'
import { answerBody, errorAnswer, INVALID_METHOD, parseJsonRpcRequest, type JsonRpcCall, type JsonRpcRequest } from './json-rpc.js'
import { liarStage, normalizeLie, type NormalizedLie, type RpcProxyLie } from './liar.js'
import { logRangeStage, logResultsStage, RPC_PROXY_LIMIT_ERROR_CODE, type RpcProxyRefusal } from './log-limits.js'
import { NodeConnection, NotJsonRpcAnswer } from './node-connection.js'
import { chainStages } from './proxy-stage.js'
import { RateLimiter } from './rate-limiter.js'

/**
 * A fault an {@link RpcProxy} injects instead of forwarding a request:
 *
 * - `drop`: the connection is destroyed without an answer, as by a dead node;
 * - `error`: every call of the request is answered with a JSON-RPC error
 *   object ({@link RPC_PROXY_ERROR_CODE}, HTTP 200), as by a node that is up
 *   but failing (pruned state, rate limit, internal error);
 * - `http-error`: the request is answered `503 Service Unavailable` with a
 *   plain-text body, as by a load balancer with no healthy node behind it.
 */
export type RpcProxyFault = 'drop' | 'error' | 'http-error'

/** JSON-RPC error code of the errors an {@link RpcProxy} answers in `error` mode (internal error). */
export const RPC_PROXY_ERROR_CODE = -32603

/** Options of {@link RpcProxy.setFault}. */
export interface RpcProxyFaultOptions {
  /**
   * Only requests holding a call of one of these methods get the fault (say
   * `['eth_getLogs']` to fail a sync half-way); the others are forwarded.
   * Default: every request.
   */
  methods?: readonly string[]
}

/**
 * How an {@link RpcProxy} behaves from the start, as a public provider would;
 * each has a setter to change it later. Every field is optional: none
 * forwards everything as it is.
 */
export interface RpcProxyInit {
  /** Widest `eth_getLogs` range, in blocks; wider is refused (see {@link RpcProxy.setMaxLogRange}). */
  maxLogRange?: number
  /** Most logs one `eth_getLogs` may return; more is refused (see {@link RpcProxy.setMaxLogResults}). */
  maxLogResults?: number
  /** JSON-RPC calls admitted per second; beyond, HTTP 429 (see {@link RpcProxy.setRequestsPerSecond}). */
  requestsPerSecond?: number
  /** Every answer is held this long (ms), as by a distant endpoint: `setDelay(latencyMs)`. */
  latencyMs?: number
  /** Lie about one registration (see {@link RpcProxy.setLiar}). */
  liar?: RpcProxyLie
  /** Make the chain look this many blocks older (see {@link RpcProxy.setBlockOffset}). */
  blockOffset?: number
}

/**
 * A JSON-RPC proxy on 127.0.0.1 in front of a node: counts the calls that go
 * through it by method, can cut the node off (every request is refused),
 * answer with errors, and bring it back; and it can behave as a public
 * provider does (log range and result caps, a rate limit, latency), lie
 * about a registration, or make the chain look older than it is. To measure
 * how many calls a client makes and to test how it behaves while the chain
 * is unreachable, failing, limited or lying.
 *
 * Each call the client sends is counted in {@link RpcProxy.requestedCalls},
 * then ends up in one of: faulted ({@link RpcProxy.faultedCalls}), refused
 * by a limit ({@link RpcProxy.refusals}; `log-results` refusals were also
 * forwarded), answered by the proxy for a block below the offset
 * ({@link RpcProxy.belowOffsetCalls}), or forwarded ({@link RpcProxy.calls}).
 */
export interface RpcProxy {
  /** The proxy's URL; give it to the client under test instead of the node's. */
  readonly url: string
  /** JSON-RPC calls forwarded to the node so far, by method (a batch counts each call; the proxy's own look-ups do not count). */
  readonly calls: ReadonlyMap<string, number>
  /** Total JSON-RPC calls forwarded so far. */
  readonly totalCalls: number
  /** Every JSON-RPC call the client sent so far, by method, whatever became of it. */
  readonly requestedCalls: ReadonlyMap<string, number>
  /** Total JSON-RPC calls the client sent so far. */
  readonly totalRequested: number
  /** JSON-RPC calls answered with the fault set by {@link RpcProxy.setFault} (or dropped while unavailable) so far. */
  readonly faultedCalls: number
  /** Calls refused as a public provider would so far, by reason (`log-range`, `log-results`, `rate-limit`). */
  readonly refusals: ReadonlyMap<RpcProxyRefusal, number>
  /** Total calls refused by a limit so far. */
  readonly refusedCalls: number
  /** Calls about blocks below the offset that the proxy answered itself (no logs, no block...) so far. */
  readonly belowOffsetCalls: number
  /** Calls whose answer the liar rewrote (or added a forged log to) so far. */
  readonly liedCalls: number
  /** Forgets every count. */
  resetCounts: () => void
  /** While `false`, every request is answered with a dropped connection, as by a dead node. Same as `setFault(available ? undefined : 'drop')`. */
  setAvailable: (available: boolean) => void
  /** Injects `fault` into every request (or those of `options.methods`) from now on; `undefined` forwards everything again. */
  setFault: (fault: RpcProxyFault | undefined, options?: RpcProxyFaultOptions) => void
  /**
   * Holds every answer to every request (or those of `options.methods`)
   * `delayMs` before passing it on: the request reaches the node at once, so
   * the answer reflects the chain as it was then, and the client receives it
   * late (a slow or distant node, or a chain that changes while the answer
   * travels). The proxy's own answers (refusals, 429s) are held too. `0`
   * passes answers on at once again.
   */
  setDelay: (delayMs: number, options?: RpcProxyFaultOptions) => void
  /**
   * Refuses `eth_getLogs` calls spanning more than `blocks` blocks (as the
   * client numbers them; tags are looked up) with JSON-RPC error
   * {@link RPC_PROXY_LIMIT_ERROR_CODE} "query exceeds max block range N",
   * HTTP 200; `undefined` lifts the cap.
   */
  setMaxLogRange: (blocks: number | undefined) => void
  /**
   * Refuses `eth_getLogs` answers holding more than `results` logs with
   * JSON-RPC error {@link RPC_PROXY_LIMIT_ERROR_CODE} "query returned more
   * than N results"; `undefined` lifts the cap.
   */
  setMaxLogResults: (results: number | undefined) => void
  /**
   * Admits at most `calls` JSON-RPC calls in any sliding second (a batch
   * counts each call, and is admitted whole or not at all); beyond, the
   * request is answered HTTP 429 with a `Retry-After` header in whole
   * seconds and a JSON-RPC error body ({@link RPC_PROXY_LIMIT_ERROR_CODE}).
   * `undefined` lifts the limit.
   */
  setRequestsPerSecond: (calls: number | undefined) => void
  /**
   * Lies about one registration from now on, as an endpoint that wants the
   * client to trust `lie.nodeId`: `checkResources` answers it with
   * `lie.provider` (for `lie.kindId`), the first page of `registrations`
   * lists it as approved, and `eth_getLogs` answers that would hold its
   * `ResourceAdded` log gain a forged one at the range's last block.
   * `undefined` tells the truth again.
   *
   * @throws {@link InvalidDevChainOptionsError} if an id is not 32 bytes of hex or the provider not an address
   */
  setLiar: (lie: RpcProxyLie | undefined) => void
  /**
   * Makes the chain look `blocks` blocks older: block numbers the client
   * sees are the node's plus `blocks` (the head, blocks, logs, receipts,
   * transactions), and those it sends are mapped back; blocks it names
   * below `blocks` do not exist (no block, no logs, no state) and are
   * answered without the node. Contract state is not rewritten: a
   * `deploymentBlock()` view still answers the node's number, so a contract
   * looks deployed `blocks` blocks ago. `0` turns it off.
   */
  setBlockOffset: (blocks: number) => void
  /** Closes the proxy and its connections. Idempotent. */
  stop: () => Promise<void>
}

/** The settings the stages read at each call. */
interface ProxySettings {
  maxLogRange: number | undefined
  maxLogResults: number | undefined
  blockOffset: number
  liar: NormalizedLie | undefined
}

/**
 * Starts an {@link RpcProxy} in front of `targetUrl` (an `http://` node URL) on
 * a free loopback port.
 *
 * @throws {@link InvalidDevChainOptionsError} if an option of `init` is invalid
 */
export async function startRpcProxy (targetUrl: string, init: RpcProxyInit = {}): Promise<RpcProxy> {
  const settings: ProxySettings = {
    maxLogRange: optionalCount('maxLogRange', init.maxLogRange),
    maxLogResults: optionalCount('maxLogResults', init.maxLogResults),
    blockOffset: wholeNumber('blockOffset', init.blockOffset ?? 0),
    liar: init.liar === undefined ? undefined : normalizeLie(init.liar)
  }
  const limiter = new RateLimiter(optionalCount('requestsPerSecond', init.requestsPerSecond))
  const node = new NodeConnection(targetUrl)
  const calls = new Map<string, number>()
  const requestedCalls = new Map<string, number>()
  const refusals = new Map<RpcProxyRefusal, number>()
  let faultedCalls = 0
  let belowOffsetCalls = 0
  let liedCalls = 0
  let fault: RpcProxyFault | undefined
  let faultMethods: ReadonlySet<string> | undefined
  let delayMs = wholeNumber('latencyMs', init.latencyMs ?? 0)
  let delayMethods: ReadonlySet<string> | undefined
  const timers = new Set<NodeJS.Timeout>()
  let stopping: Promise<void> | undefined

  const refused = (reason: RpcProxyRefusal, count = 1): void => { refusals.set(reason, (refusals.get(reason) ?? 0) + count) }
  const countIn = (counts: Map<string, number>, requestCalls: readonly JsonRpcCall[]): void => {
    for (const call of requestCalls) {
      counts.set(call.method, (counts.get(call.method) ?? 0) + 1)
    }
  }

  // Outermost first: limits judge the call as the client sent it, the liar lies in the node's block numbers.
  const handleCall = chainStages([
    logRangeStage(settings, refused),
    logResultsStage(settings, refused),
    blockOffsetStage(settings, () => { belowOffsetCalls++ }),
    liarStage(settings, () => { liedCalls++ })
  ], async (call) => {
    if (call.internal !== true) {
      countIn(calls, [call])
    }
    return node.call(call)
  })

  const anyOf = (request: JsonRpcRequest | undefined, methods: ReadonlySet<string> | undefined): boolean =>
    methods === undefined || request?.calls.some((call) => methods.has(call.method)) === true

  /** Sends an answer, held as {@link RpcProxy.setDelay} says. */
  const reply = (outgoing: ServerResponse, held: number, status: number, body: string | Buffer, headers: OutgoingHttpHeaders = { 'content-type': 'application/json' }): void => {
    const send = (): void => {
      if (outgoing.destroyed) {
        return
      }
      // A known length spares chunked encoding: thousands of small answers go out twice as fast.
      outgoing.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) })
      outgoing.end(body)
    }
    if (held === 0 || stopping !== undefined) {
      send()
      return
    }
    const timer = setTimeout(() => {
      timers.delete(timer)
      send()
    }, held)
    timers.add(timer)
  }

  const answerFault = (injected: RpcProxyFault, request: JsonRpcRequest | undefined, incoming: IncomingMessage, outgoing: ServerResponse, held: number): void => {
    faultedCalls += request?.calls.length ?? 1
    switch (injected) {
      case 'drop':
        incoming.socket.destroy()
        return
      case 'http-error':
        reply(outgoing, held, 503, 'no healthy upstream', { 'content-type': 'text/plain' })
        return
      case 'error':
        reply(outgoing, held, 200, everyCall(request, (call) => errorAnswer(call, RPC_PROXY_ERROR_CODE, `injected fault: ${call.method} failed`)))
    }
  }

  const answerRateLimited = (request: JsonRpcRequest | undefined, outgoing: ServerResponse, held: number, waitMs: number): void => {
    const seconds = Math.max(1, Math.ceil(waitMs / 1_000))
    refused('rate-limit', request?.calls.length ?? 1)
    const message = `rate limit exceeded: more than ${limiter.perSecond ?? 0} requests per second; retry after ${seconds} s`
    reply(outgoing, held, 429, everyCall(request, (call) => errorAnswer(call, RPC_PROXY_LIMIT_ERROR_CODE, message)), {
      'content-type': 'application/json',
      'retry-after': String(seconds)
    })
  }

  const handle = async (body: Buffer, incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> => {
    const request = parseJsonRpcRequest(body.toString('utf8'))
    countIn(requestedCalls, request?.calls ?? [])
    const held = delayMs > 0 && anyOf(request, delayMethods) ? delayMs : 0
    if (fault !== undefined && anyOf(request, faultMethods)) {
      answerFault(fault, request, incoming, outgoing, held)
      return
    }
    const waitMs = limiter.admit(request?.calls.length ?? 1)
    if (waitMs > 0) {
      answerRateLimited(request, outgoing, held, waitMs)
      return
    }
    try {
      if (request?.valid !== true) {
        // Not JSON-RPC: the node says what it makes of it.
        countIn(calls, request?.calls ?? [])
        const raw = await node.post(body)
        reply(outgoing, held, raw.status, raw.body)
        return
      }
      const answers = await Promise.all(request.calls.map(handleCall))
      reply(outgoing, held, 200, answerBody(request, answers))
    } catch (err) {
      if (err instanceof NotJsonRpcAnswer) {
        reply(outgoing, held, err.answer.status, err.answer.body)
        return
      }
      // The node cannot be reached: neither can the client's endpoint.
      incoming.socket.destroy()
    }
  }

  const server = createServer({ noDelay: true }, (incoming, outgoing) => {
    const chunks: Buffer[] = []
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
    incoming.on('end', () => {
      handle(Buffer.concat(chunks), incoming, outgoing).catch(() => { incoming.socket.destroy() })
    })
  })
  // Node's default keep-alive (5 s): fetch (undici) reuses a connection only if the server keeps it more than 1 s.
  server.keepAliveTimeout = 5_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => { resolve() })
  })
  const { port } = server.address() as AddressInfo

  const setFault = (value: RpcProxyFault | undefined, options: RpcProxyFaultOptions = {}): void => {
    fault = value
    faultMethods = value === undefined || options.methods === undefined ? undefined : new Set(options.methods)
    if (value === 'drop' && faultMethods === undefined) {
      server.closeIdleConnections()
    }
  }

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    get totalCalls () { return sum(calls) },
    requestedCalls,
    get totalRequested () { return sum(requestedCalls) },
    get faultedCalls () { return faultedCalls },
    refusals,
    get refusedCalls () { return sum(refusals) },
    get belowOffsetCalls () { return belowOffsetCalls },
    get liedCalls () { return liedCalls },
    resetCounts: () => {
      calls.clear()
      requestedCalls.clear()
      refusals.clear()
      faultedCalls = 0
      belowOffsetCalls = 0
      liedCalls = 0
    },
    setAvailable: (value) => { setFault(value ? undefined : 'drop') },
    setFault,
    setDelay: (value, options = {}) => {
      delayMs = wholeNumber('delayMs', value)
      delayMethods = value === 0 || options.methods === undefined ? undefined : new Set(options.methods)
    },
    setMaxLogRange: (blocks) => { settings.maxLogRange = optionalCount('maxLogRange', blocks) },
    setMaxLogResults: (results) => { settings.maxLogResults = optionalCount('maxLogResults', results) },
    setRequestsPerSecond: (perSecond) => {
      limiter.perSecond = optionalCount('requestsPerSecond', perSecond)
      limiter.reset()
    },
    setLiar: (lie) => { settings.liar = lie === undefined ? undefined : normalizeLie(lie) },
    setBlockOffset: (blocks) => { settings.blockOffset = wholeNumber('blockOffset', blocks) },
    stop: async () => {
      for (const timer of timers) {
        clearTimeout(timer)
      }
      timers.clear()
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => { resolve() })
        server.closeAllConnections()
        node.close()
      })
      return stopping
    }
  }
}

/** The body answering each call of `request` with `answer` (one error answer with id `null` if it is not JSON). */
function everyCall (request: JsonRpcRequest | undefined, answer: (call: JsonRpcCall) => ReturnType<typeof errorAnswer>): string {
  return answerBody(request ?? { batch: false }, (request?.calls ?? [{ id: null, method: INVALID_METHOD, params: [] }]).map(answer))
}

function sum (counts: ReadonlyMap<unknown, number>): number {
  let total = 0
  for (const count of counts.values()) {
    total += count
  }
  return total
}

function wholeNumber (option: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidDevChainOptionsError(option, `expected a whole number, got ${value}`)
  }
  return value
}

function optionalCount (option: string, value: number | undefined): number | undefined {
  if (value !== undefined && (!Number.isSafeInteger(value) || value <= 0)) {
    throw new InvalidDevChainOptionsError(option, `expected a positive whole number or undefined, got ${value}`)
  }
  return value
}
