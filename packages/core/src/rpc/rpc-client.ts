import { id } from 'ethers/hash'
import {
  InvalidConfigurationError, JsonRpcError, ResourceDiscoveryError, RpcDisagreementError, RpcRateLimitedError, RpcUnavailableError,
  type RpcEndpointFailure
} from '../errors.js'
import { TypedEventTarget } from '../events/typed-event-target.js'
import { parseCount, parseRpcUrls } from '../registry-verification/registry-options.js'
import type { BlockRef } from './block-ref.js'
import { blockParameter, type EthCall } from '../registry-verification/registry-views.js'
import { combineSignals, toAbortError, type AbortOptions } from '../util/abort.js'
import { isQuantity, toQuantity } from './json-rpc-request.js'
import {
  DEFAULT_MAX_RETRIES, DEFAULT_MAX_RETRY_DELAY_MS, DEFAULT_RETRY_BASE_DELAY_MS, RpcEndpoint, type RpcRetry
} from './rpc-endpoint.js'

/** Bound on each JSON-RPC request of an {@link RpcClient}, by default. */
export const DEFAULT_RPC_CLIENT_TIMEOUT_MS = 5_000

/** Options of {@link RpcClient}. Only `rpcUrls` is required. */
export interface RpcClientInit {
  /** The HTTP(S) JSON-RPC endpoints of one chain, each once. At least one. */
  rpcUrls: readonly string[]
  /** How many endpoints must return the same answer. Default: 1 for one URL, a majority (`floor(n / 2) + 1`) for n. */
  quorum?: number
  /** Bound on each HTTP request (ms). Default {@link DEFAULT_RPC_CLIENT_TIMEOUT_MS}. */
  timeoutMs?: number
  /** Retries of a request an endpoint refuses with HTTP 429 or 503, per endpoint. Default {@link DEFAULT_MAX_RETRIES}. */
  maxRetries?: number
  /** Back-off of the first retry when the endpoint names no wait (ms), doubled per attempt, with full jitter. Default {@link DEFAULT_RETRY_BASE_DELAY_MS}. */
  retryBaseDelayMs?: number
  /** Longest wait before a retry (ms); an endpoint asking for longer is given up for that call. Default {@link DEFAULT_MAX_RETRY_DELAY_MS}. */
  maxRetryDelayMs?: number
}

/** Options of {@link RpcClient.request}. */
export interface RpcRequestOptions extends AbortOptions {
  /**
   * Turns an endpoint's result into the form answers are compared in (and
   * returned in): e.g. only the fields that matter, hex in lowercase. It
   * throws if the result is malformed; that endpoint then counts as failed.
   * Default: the result as it is.
   */
  normalize?: (result: unknown) => unknown
}

/** Detail of the `rpc:rate-limited` event. */
export interface RpcRateLimit {
  /** The endpoint. */
  readonly url: string
  /** The JSON-RPC method refused. */
  readonly method: string
  /** The wait the endpoint asked for (`Retry-After`, ms), if it named one. */
  readonly retryAfterMs: number | undefined
}

/** Detail of the `rpc:endpoint-failed` event. */
export interface RpcEndpointFailed {
  /** The endpoint. */
  readonly url: string
  /** The JSON-RPC method it failed. */
  readonly method: string
  /** Why: an {@link RpcUnavailableError} (or {@link RpcRateLimitedError} once the retries are spent). */
  readonly error: unknown
}

/** Events of an {@link RpcClient}. */
export interface RpcClientEvents {
  /** A request waits before it is sent to the same endpoint again (HTTP 429 or 503). */
  'rpc:retry': CustomEvent<RpcRetry>
  /** An endpoint answered with a rate limit (HTTP 429, or 503 with `Retry-After`). */
  'rpc:rate-limited': CustomEvent<RpcRateLimit>
  /**
   * Endpoints returned different answers to one request: dispatched once per
   * request, when every endpoint answered (or the late ones were cut off),
   * also when the quorum was met (`accepted` is then set).
   */
  'rpc:disagreement': CustomEvent<RpcDisagreementError>
  /** An endpoint could not be used for a request (unreachable, timed out, rate limited past its retries, nonsense); it was skipped. */
  'rpc:endpoint-failed': CustomEvent<RpcEndpointFailed>
}

/** One endpoint's usable answer in a round. */
interface Answer {
  readonly url: string
  /** The normalized answer in canonical JSON, which answers are compared by. */
  readonly key: string
  readonly value: unknown
}

/** What the endpoints of a round have answered so far. */
interface RoundState {
  readonly answers: Answer[]
  /** Endpoints that answered with a JSON-RPC error object. */
  readonly errors: Array<{ readonly url: string, readonly error: JsonRpcError }>
  /** Endpoints that could not be used. */
  readonly failures: RpcEndpointFailure[]
  /** Endpoints not settled yet. */
  pending: number
}

type Decision<T> = { readonly value: T } | { readonly error: Error }

/** Requests sent to several endpoints at once; settled when a rule decides, while late answers are still collected. */
interface Round {
  readonly state: RoundState
  /** Waits until `rule` decides on the state (it is asked after each answer). */
  decide: <T>(rule: (state: RoundState) => Decision<T> | undefined) => Promise<T>
  /** Every endpoint settled (late ones are cut off `timeoutMs` after the decision). */
  readonly done: Promise<void>
}

const ABSENT_KEY = 'null'

/**
 * Ethereum JSON-RPC over several endpoints of one chain that must agree.
 *
 * - **Quorum 1** (the default for one URL): the endpoints are tried in
 *   order, starting with the last one that answered; on failure (unreachable,
 *   timed out, rate limited past its retries) the next is tried. A JSON-RPC
 *   error object is the node's answer and is thrown as it is.
 * - **Quorum k > 1** (default: a majority): each request goes to every
 *   endpoint at once and resolves as soon as `k` of them returned the same
 *   normalized answer. Answers that differ, before or after, are reported
 *   by an `rpc:disagreement` event. If no `k` answers can agree the call
 *   fails closed: {@link RpcDisagreementError} when endpoints answered
 *   differently, the JSON-RPC error `k` endpoints returned, or else
 *   {@link RpcUnavailableError} naming each endpoint that failed. Answers
 *   after the decision are still compared, for at most `timeoutMs`; the
 *   caller does not wait for them.
 *
 * Each endpoint retries HTTP 429 and 503 as {@link RpcEndpoint} describes
 * (`rpc:retry` and `rpc:rate-limited` events).
 *
 * @example
 * ```ts
 * const rpc = new RpcClient({ rpcUrls: ['https://a.example', 'https://b.example', 'https://c.example'] })
 * rpc.addEventListener('rpc:disagreement', ({ detail }) => { console.warn(detail.message) })
 * const head = await rpc.block('latest')
 * const views = new RegistryViews(registryAddress, rpc.ethCall)
 * ```
 */
export class RpcClient extends TypedEventTarget<RpcClientEvents> {
  /** The endpoints, in the order given. */
  readonly urls: readonly string[]
  /** How many endpoints must return the same answer. */
  readonly quorum: number
  readonly #endpoints: readonly RpcEndpoint[]
  readonly #timeoutMs: number
  /** With quorum 1: the endpoint that answered last, tried first. */
  #preferred = 0

  /** @throws {@link InvalidConfigurationError} naming `registry.rpcUrls`, `registry.quorum` or the offending bound */
  constructor (init: RpcClientInit) {
    super()
    this.urls = parseRpcUrls(undefined, init.rpcUrls)
    this.quorum = parseCount(init.quorum, Math.floor(this.urls.length / 2) + 1, 'quorum', 1)
    if (this.quorum > this.urls.length) {
      throw new InvalidConfigurationError('registry.quorum', `a quorum of ${this.quorum} needs at least as many RPC URLs, got ${this.urls.length}`)
    }
    this.#timeoutMs = parseCount(init.timeoutMs, DEFAULT_RPC_CLIENT_TIMEOUT_MS, 'rpcTimeoutMs', 1)
    const endpointInit = {
      timeoutMs: this.#timeoutMs,
      maxRetries: parseCount(init.maxRetries, DEFAULT_MAX_RETRIES, 'rpcMaxRetries', 0),
      retryBaseDelayMs: parseCount(init.retryBaseDelayMs, DEFAULT_RETRY_BASE_DELAY_MS, 'rpcRetryBaseDelayMs', 0),
      maxRetryDelayMs: parseCount(init.maxRetryDelayMs, DEFAULT_MAX_RETRY_DELAY_MS, 'rpcMaxRetryDelayMs', 0)
    }
    this.#endpoints = this.urls.map((url) => new RpcEndpoint(url, endpointInit))
  }

  /**
   * `eth_call` bound to this client, usable as `RegistryViews`' {@link EthCall}:
   * the result as lowercase hex, agreed by `quorum` endpoints. A block hash
   * goes out as `{ blockHash, requireCanonical: true }` (EIP-1898).
   */
  readonly ethCall: EthCall = async (call, block, options) => {
    return await this.request('eth_call', [call, blockParameter(block)], { ...options, normalize: normalizeData }) as string
  }

  /**
   * Sends one JSON-RPC request and returns its normalized result, once
   * `quorum` endpoints returned the same one. A `null` result means the
   * endpoint does not have what was asked (a block beyond its head): it
   * disagrees with no other answer, and is the result only when `quorum`
   * endpoints return it.
   *
   * @throws {@link RpcDisagreementError} if endpoints answered differently and no `quorum` of them agreed
   * @throws {@link RpcUnavailableError} if too few endpoints answered (one URL: that endpoint's own error, e.g. {@link RpcRateLimitedError})
   * @throws {@link JsonRpcError} if the node answers with an error object (with quorum k: if k endpoints returned that error code)
   * @throws {@link AbortError} if `options.signal` aborts
   */
  async request (method: string, params: readonly unknown[], options: RpcRequestOptions = {}): Promise<unknown> {
    return this.#request(method, params, options.normalize ?? identity, options)
  }

  /**
   * The block behind `tag` as `quorum` endpoints agree, or `undefined` if the
   * chain does not have it (yet). For a tag with quorum k, endpoints may
   * stand at different heads: the block is the k-th highest head reported,
   * its hash agreed by k endpoints that have it (asked by number only when
   * the heads differ), so an endpoint that lags is no disagreement.
   *
   * @throws what {@link RpcClient.request} throws
   */
  async block (tag: 'latest' | 'safe' | 'finalized' | number, options: AbortOptions = {}): Promise<BlockRef | undefined> {
    if (typeof tag === 'number') {
      if (!Number.isSafeInteger(tag) || tag < 0) {
        throw new RangeError(`A block number is a whole number of at least 0, got ${tag}`)
      }
      return await this.#request('eth_getBlockByNumber', [toQuantity(tag), false], normalizeBlock, options) ?? undefined
    }
    if (this.quorum === 1) {
      return await this.#request('eth_getBlockByNumber', [tag, false], normalizeBlock, options) ?? undefined
    }
    return this.#agreedHead(tag, options)
  }

  async #request<T> (method: string, params: readonly unknown[], normalize: (result: unknown) => T, options: AbortOptions): Promise<T> {
    if (this.quorum === 1) {
      return this.#firstAnswer(method, params, normalize, options)
    }
    const round = this.#startRound(this.#endpoints, method, params, normalize, options.signal)
    let accepted: string | undefined
    void round.done.then(() => { this.#reportDisagreement(method, round.state, accepted) })
    return round.decide((state) => {
      const decision = this.#quorumDecision<T>(method, state)
      if (decision !== undefined && 'value' in decision) {
        accepted = answerKey(decision.value)
      }
      return decision
    })
  }

  /** Quorum 1: the endpoints one after the other, the last good one first, until one answers. */
  async #firstAnswer<T> (method: string, params: readonly unknown[], normalize: (result: unknown) => T, options: AbortOptions): Promise<T> {
    const order = [this.#preferred, ...this.#endpoints.keys()].filter((index, position, all) => all.indexOf(index) === position)
    const failures: RpcEndpointFailure[] = []
    for (const index of order) {
      const endpoint = this.#endpoints[index] as RpcEndpoint
      try {
        const value = readAnswer(endpoint.url, method, await endpoint.request(method, params, this.#requestOptions(options.signal)), normalize)
        this.#preferred = index
        return value
      } catch (err) {
        if (err instanceof JsonRpcError || options.signal?.aborted === true) {
          throw err
        }
        this.#endpointFailed(endpoint.url, method, err)
        failures.push({ url: endpoint.url, error: err })
      }
    }
    throw this.#endpoints.length === 1 ? failures[0]?.error : unavailable(method, this.#endpoints.length, 1, failures)
  }

  /** Quorum k: what the answers so far decide, if anything. */
  #quorumDecision<T> (method: string, state: RoundState): Decision<T> | undefined {
    const k = this.quorum
    const groups = groupAnswers(state.answers)
    for (const group of groups.values()) {
      if (group.length >= k) {
        return { value: (group[0] as Answer).value as T }
      }
    }
    const errorGroups = groupErrors(state)
    const agreedError = [...errorGroups.values()].find((group) => group.count >= k)
    if (agreedError !== undefined) {
      return { error: agreedError.error }
    }
    const best = Math.max(0, ...[...groups.values()].map((group) => group.length), ...[...errorGroups.values()].map((group) => group.count))
    if (best + state.pending >= k) {
      return undefined
    }
    const answered = state.answers.filter(({ key }) => key !== ABSENT_KEY)
    if (new Set(answered.map(({ key }) => key)).size > 1) {
      return { error: new RpcDisagreementError(method, k, answered.map(summarize)) }
    }
    return { error: this.#unavailable(method, state) }
  }

  /** The error of a round too few endpoints answered alike: the JSON-RPC error k of them returned, or else each endpoint's failure. */
  #unavailable (method: string, state: RoundState): JsonRpcError | RpcUnavailableError {
    const agreedError = [...groupErrors(state).values()].find((group) => group.count >= this.quorum)
    if (agreedError !== undefined) {
      return agreedError.error
    }
    const absent = state.answers.filter(({ key }) => key === ABSENT_KEY)
    return unavailable(method, this.#endpoints.length, this.quorum, [
      ...state.failures,
      ...state.errors,
      ...absent.map(({ url }) => ({ url, error: new RpcUnavailableError(url, `${method} returned null: it does not have what was asked`) }))
    ])
  }

  /** Quorum k for a tag: the k-th highest head, its hash agreed by k endpoints. */
  async #agreedHead (tag: 'latest' | 'safe' | 'finalized', options: AbortOptions): Promise<BlockRef | undefined> {
    const k = this.quorum
    const method = 'eth_getBlockByNumber'
    const heads = this.#startRound(this.#endpoints, method, [tag, false], normalizeBlock, options.signal)
    const same = await heads.decide<BlockRef | null>((state) => {
      const group = [...groupAnswers(state.answers)].find(([key, answers]) => key !== ABSENT_KEY && answers.length >= k)
      if (group !== undefined) {
        return { value: (group[1][0] as Answer).value as BlockRef }
      }
      return state.pending === 0 ? { value: null } : undefined
    })
    if (same !== null) {
      return same
    }
    const reported = heads.state.answers.filter((answer) => answer.value !== null) as Array<Answer & { value: BlockRef }>
    const numbers = reported.map(({ value }) => value.number).sort((a, b) => b - a)
    const pinned = numbers[k - 1]
    if (pinned === undefined) {
      // fewer than k endpoints know a head (different heads are no disagreement)
      throw this.#unavailable(method, heads.state)
    }
    const atPinned = reported.filter(({ value }) => value.number === pinned)
    const above = this.#endpoints.filter(({ url }) => reported.some((answer) => answer.url === url && answer.value.number > pinned))
    const round = this.#startRound(above, method, [toQuantity(pinned), false], normalizeBlock, options.signal, atPinned)
    let accepted: string | undefined
    void round.done.then(() => { this.#reportDisagreement(method, round.state, accepted) })
    const block = await round.decide((state) => {
      const decision = this.#quorumDecision<BlockRef | null>(method, state)
      if (decision !== undefined && 'value' in decision) {
        accepted = answerKey(decision.value)
      }
      return decision
    })
    return block ?? undefined
  }

  /**
   * Sends a request to `endpoints` at once. `seed` answers count as if
   * those endpoints had just answered.
   */
  #startRound (endpoints: readonly RpcEndpoint[], method: string, params: readonly unknown[], normalize: (result: unknown) => unknown, signal?: AbortSignal, seed: readonly Answer[] = []): Round {
    const state: RoundState = { answers: [...seed], errors: [], failures: [], pending: endpoints.length }
    const cutOff = new AbortController()
    const combined = combineSignals([signal, cutOff.signal])
    let timer: ReturnType<typeof setTimeout> | undefined
    let notify = (): void => {}
    const finish = (): void => {
      notify = () => {}
      if (state.pending > 0) {
        timer = setTimeout(() => { cutOff.abort(new Error(`late answers to ${method} cut off`)) }, this.#timeoutMs)
      }
    }
    const settled = endpoints.map(async (endpoint) => {
      try {
        const value = readAnswer(endpoint.url, method, await endpoint.request(method, params, this.#requestOptions(combined.signal)), normalize)
        state.answers.push({ url: endpoint.url, key: answerKey(value), value })
      } catch (err) {
        if (err instanceof JsonRpcError) {
          state.errors.push({ url: endpoint.url, error: err })
        } else if (!combined.signal.aborted) {
          state.failures.push({ url: endpoint.url, error: err })
          this.#endpointFailed(endpoint.url, method, err)
        }
      } finally {
        state.pending--
        notify()
      }
    })
    const done = Promise.all(settled).then(() => {
      clearTimeout(timer)
      combined.clear()
    })
    const decide = async <D>(rule: (state: RoundState) => Decision<D> | undefined): Promise<D> => new Promise<D>((resolve, reject) => {
      notify = () => {
        if (signal?.aborted === true) {
          finish()
          reject(toAbortError(signal))
          return
        }
        const decision = rule(state)
        if (decision !== undefined) {
          finish()
          if ('value' in decision) {
            resolve(decision.value)
          } else {
            reject(decision.error)
          }
        }
      }
      notify()
    })
    return { state, decide, done }
  }

  #requestOptions (signal: AbortSignal | undefined): { signal?: AbortSignal, onRetry: (retry: RpcRetry) => void } {
    return {
      ...(signal === undefined ? {} : { signal }),
      onRetry: (retry) => {
        this.safeDispatchEvent('rpc:retry', retry)
        if (retry.rateLimited) {
          this.safeDispatchEvent('rpc:rate-limited', { url: retry.url, method: retry.method, retryAfterMs: retry.retryAfterMs })
        }
      }
    }
  }

  #endpointFailed (url: string, method: string, error: unknown): void {
    if (error instanceof RpcRateLimitedError) {
      this.safeDispatchEvent('rpc:rate-limited', { url, method, retryAfterMs: error.retryAfterMs })
    }
    this.safeDispatchEvent('rpc:endpoint-failed', { url, method, error })
  }

  /** Dispatches `rpc:disagreement` if the endpoints of a round returned different answers. */
  #reportDisagreement (method: string, state: RoundState, accepted: string | undefined): void {
    const answered = state.answers.filter(({ key }) => key !== ABSENT_KEY)
    if (new Set(answered.map(({ key }) => key)).size > 1) {
      this.safeDispatchEvent('rpc:disagreement', new RpcDisagreementError(method, this.quorum, answered.map(summarize), accepted === undefined ? undefined : summarizeKey(accepted)))
    }
  }
}

/** The answers grouped by their key, in order of first arrival. */
function groupAnswers (answers: readonly Answer[]): Map<string, Answer[]> {
  const groups = new Map<string, Answer[]>()
  for (const answer of answers) {
    groups.set(answer.key, [...groups.get(answer.key) ?? [], answer])
  }
  return groups
}

/** The JSON-RPC errors of a round by code: the first of each, and how many endpoints returned that code. */
function groupErrors (state: RoundState): Map<number, { error: JsonRpcError, count: number }> {
  const groups = new Map<number, { error: JsonRpcError, count: number }>()
  for (const { error } of state.errors) {
    const group = groups.get(error.code)
    groups.set(error.code, { error: group?.error ?? error, count: (group?.count ?? 0) + 1 })
  }
  return groups
}

/** `normalize(result)`, an unreadable result counting as the endpoint's failure. */
function readAnswer<T> (url: string, method: string, result: unknown, normalize: (result: unknown) => T): T {
  try {
    return normalize(result)
  } catch (err) {
    if (err instanceof RpcUnavailableError) {
      throw err
    }
    throw new RpcUnavailableError(url, `${method} returned an answer that cannot be read (${err instanceof Error ? err.message : String(err)}); is this an Ethereum node?`, { cause: err })
  }
}

/** The error of a call that fewer than `quorum` endpoints answered. */
function unavailable (method: string, endpoints: number, quorum: number, failures: readonly RpcEndpointFailure[]): RpcUnavailableError {
  const reasons = failures.map(({ url, error }) => `${url}: ${describeFailure(error)}`)
  const needed = quorum === 1 ? 'none answered' : `so fewer than the ${quorum} that must agree can`
  return new RpcUnavailableError(undefined, `${method} failed at ${failures.length} of ${endpoints} endpoints, ${needed} (${reasons.join('; ')})`, {
    failures,
    cause: new AggregateError(failures.map(({ error }) => error))
  })
}

/** An endpoint's error in a few words (its URL is said already). */
function describeFailure (error: unknown): string {
  if (error instanceof RpcUnavailableError) {
    return error.problem
  }
  return error instanceof ResourceDiscoveryError ? error.shortMessage : String(error)
}

/** The canonical JSON of a normalized answer: object keys sorted, bigints as decimal strings. */
export function answerKey (value: unknown): string {
  if (value === undefined) {
    return 'undefined'
  }
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') {
      return item.toString()
    }
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      return Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    }
    return item
  })
}

const MAX_SUMMARY_CHARS = 80

/** An answer's key, abbreviated for a person when long (with a digest, so different answers read differently). */
function summarizeKey (key: string): string {
  return key.length <= MAX_SUMMARY_CHARS ? key : `${key.slice(0, 40)}…${key.slice(-24)} (${key.length} chars, keccak ${id(key).slice(2, 10)})`
}

function summarize ({ url, key }: Answer): { url: string, answer: string } {
  return { url, answer: summarizeKey(key) }
}

function identity (result: unknown): unknown {
  return result
}

/** `eth_call` data: `0x` and whole bytes, lowercase. */
function normalizeData (result: unknown): string {
  if (typeof result !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(result)) {
    throw new Error(`${JSON.stringify(result)} is not hex data`)
  }
  return result.toLowerCase()
}

/** A block as {@link BlockRef} (hash in lowercase), or `null` when the node has no such block. */
function normalizeBlock (result: unknown): BlockRef | null {
  if (result === null) {
    return null
  }
  const block = result as { number?: unknown, hash?: unknown }
  if (typeof result !== 'object' || !isQuantity(block.number) || typeof block.hash !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(block.hash)) {
    throw new Error('not a block with a number and a hash')
  }
  return { number: Number(BigInt(block.number)), hash: block.hash.toLowerCase() }
}
