import { InvalidConfigurationError, NoReachableResourceError, NotStartedError } from '../errors.js'
import { raceAbort, throwIfAborted, toAbortError, type AbortOptions } from '../util/abort.js'
import type { TrustedVerdict } from '../verification/verdict.js'
import type { ResourceClient } from './resource-client.js'
import type { ResourceConnector } from './resource-connector.js'

/**
 * The default classifier of a {@link ResourceConnector}: whether `error` is a
 * failure of the server or the path to it rather than of the request, i.e.
 * whether it carries `retryable: true` (see {@link ResourceDiscoveryError.retryable};
 * the transport errors of `@resource-discovery/client-host` and
 * {@link ResourceOverloadedError} do). The check is structural, so an error
 * of a duplicate install of core, or of a plugin that does not extend
 * {@link ResourceDiscoveryError}, counts when it sets the property. Abort
 * errors are never retryable.
 */
export function isRetryableError (error: unknown): boolean {
  return hasTrue(error, 'retryable')
}

/**
 * The default overload classifier of a {@link ResourceConnector}: whether
 * `error` carries `overloaded: true`, as {@link ResourceOverloadedError} does
 * (see {@link ResourceDiscoveryError.overloaded}). Structural, like
 * {@link isRetryableError}.
 */
export function isOverloadedError (error: unknown): boolean {
  return hasTrue(error, 'overloaded')
}

/** Whether `error` is an `Error` whose `property` is `true`. */
function hasTrue (error: unknown, property: 'retryable' | 'overloaded'): boolean {
  return error instanceof Error && (error as Error & Partial<Record<typeof property, unknown>>)[property] === true
}

/** Options of {@link ResourceClient.connect} and {@link withFailover}. */
export interface ConnectOptions extends AbortOptions {
  /** How long `find()` gathers discovered servers (ms). Default: the client's `discoveryTimeoutMs`. */
  discoveryTimeoutMs?: number
  /** Most servers to try before giving up. Default: every verified server. */
  maxAttempts?: number
  /**
   * The verified servers to choose from, e.g. a watch's `verified`; when
   * given, no `find()` runs and the kind's selector picks among these.
   */
  verified?: readonly TrustedVerdict[]
}

/** One attempt of {@link ResourceClient.connect}. */
export interface ConnectAttempt {
  /** The server tried. */
  readonly verdict: TrustedVerdict
  /** Why it failed; absent for the attempt that succeeded. */
  readonly error?: unknown
  /** How long the attempt took (ms). */
  readonly durationMs: number
}

/** What {@link ResourceClient.connect} returns. */
export interface ConnectResult<T> {
  /** The kind name. */
  readonly kind: string
  /** The typed client of the server connected to. */
  readonly client: T
  /** The server connected to, with who vouches for it. */
  readonly verdict: TrustedVerdict
  /** Every attempt in order: the failed ones, then the one that succeeded. */
  readonly attempts: readonly ConnectAttempt[]
}

/** Options of {@link withFailover}. */
export type FailoverOptions = ConnectOptions

/** What `run` of {@link withFailover} is given besides the client. */
export interface FailoverContext extends AbortOptions {
  /** The server `run` works on. */
  readonly verdict: TrustedVerdict
  /** 1 for the first server tried, 2 for the next... */
  readonly attempt: number
}

/**
 * Connects to a verified server of `kindName` with `connector` and runs
 * `run` on the client; if connecting fails, or `run` fails with an error the
 * connector deems retryable, moves to the next verified server (the kind's
 * selector picks among the servers not tried yet) and runs again, emitting
 * `connection:failed` and `selection:changed` on `client`.
 *
 * The kind's selector hears how each server worked out: `reportFailure`
 * (with `overloaded` from the connector's `isOverloaded`) for each failure
 * that moved on, `reportSuccess` for the server that answered. An error that
 * is the request's own fault is reported as neither.
 *
 * No request is silently lost: it resolves with the result of a run that
 * succeeded, or rejects. Errors `run` raises that are not retryable (e.g. a
 * bad query) are thrown at once, as they are.
 *
 * @example
 * ```ts
 * const page = await withFailover(resourceClient, 'mailserver', mailserverConnector(host),
 *   async (mail, { signal }) => mail.requestHistory({ topics: [topic] }, { signal }))
 * ```
 *
 * @throws {@link NoReachableResourceError} if every server tried failed; it carries each attempt's error
 * @throws {@link NoTrustedResourceError} if no verified server was found
 * @throws {@link InvalidConfigurationError} if `connector.kind` is not `kindName`, or `maxAttempts` is not a positive integer
 * @throws {@link NotStartedError} before `client.start()`
 * @throws {@link AbortError} if `options.signal` aborts
 */
export async function withFailover<T, R> (
  client: ResourceClient,
  kindName: string,
  connector: ResourceConnector<T>,
  run: (connected: T, context: FailoverContext) => Promise<R>,
  options: FailoverOptions = {}
): Promise<R> {
  const { value } = await failover(client, kindName, connector, run, options)
  return value
}

/**
 * Connects to the selected verified server of `kindName`, failing over to
 * the others; the implementation of {@link ResourceClient.connect}.
 */
export async function connectWithFailover<T> (
  client: ResourceClient,
  kindName: string,
  connector: ResourceConnector<T>,
  options: ConnectOptions = {}
): Promise<ConnectResult<T>> {
  const { value, verdict, attempts } = await failover(client, kindName, connector, async (connected) => connected, options)
  return { kind: kindName, client: value, verdict, attempts }
}

async function failover<T, V> (
  client: ResourceClient,
  kindName: string,
  connector: ResourceConnector<T>,
  use: (connected: T, context: FailoverContext) => Promise<V>,
  options: ConnectOptions
): Promise<{ value: V, verdict: TrustedVerdict, attempts: ConnectAttempt[] }> {
  const { signal } = options
  throwIfAborted(signal)
  if (!client.isStarted()) {
    throw new NotStartedError('ResourceClient')
  }
  if (connector.kind !== kindName) {
    throw new InvalidConfigurationError('connector.kind', `the connector serves "${connector.kind}", not "${kindName}"`)
  }
  const maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY
  if (maxAttempts !== Number.POSITIVE_INFINITY && (!Number.isInteger(maxAttempts) || maxAttempts < 1)) {
    throw new InvalidConfigurationError('maxAttempts', `expected a positive integer, got ${maxAttempts}`)
  }
  let remaining: TrustedVerdict[]
  let current: TrustedVerdict | undefined
  if (options.verified === undefined) {
    const found = await client.find(kindName, {
      ...(signal === undefined ? {} : { signal }),
      ...(options.discoveryTimeoutMs === undefined ? {} : { discoveryTimeoutMs: options.discoveryTimeoutMs })
    })
    remaining = [...found.verified]
    current = found.selected
  } else {
    remaining = [...options.verified]
    current = await client.select(kindName, remaining, signal === undefined ? {} : { signal })
    if (current === undefined) {
      throw new NoReachableResourceError(kindName, [])
    }
  }
  const isRetryable = connector.isRetryable ?? isRetryableError
  const isOverloaded = connector.isOverloaded ?? isOverloadedError
  const attempts: ConnectAttempt[] = []
  for (;;) {
    const verdict: TrustedVerdict = current
    const startedAt = performance.now()
    let phase: 'connect' | 'request' = 'connect'
    try {
      const connected = await raceAbort(connector.connect(verdict, signal === undefined ? {} : { signal }), signal)
      phase = 'request'
      const value = await raceAbort(use(connected, { verdict, attempt: attempts.length + 1, ...(signal === undefined ? {} : { signal }) }), signal)
      attempts.push({ verdict, durationMs: performance.now() - startedAt })
      client.reportSuccess(kindName, verdict)
      return { value, verdict, attempts }
    } catch (error) {
      if (signal?.aborted === true) {
        throw toAbortError(signal)
      }
      // a server that cannot be connected to is always worth replacing; a request's error only if the connector says so
      if (phase === 'request' && !isRetryable(error)) {
        throw error
      }
      attempts.push({ verdict, error, durationMs: performance.now() - startedAt })
      client.reportFailure(kindName, verdict, { overloaded: isOverloaded(error), error })
      remaining = remaining.filter((candidate) => candidate.resource.nodeId !== verdict.resource.nodeId)
      const notes: string[] = []
      const next = attempts.length < maxAttempts && remaining.length > 0
        ? await client.select(kindName, remaining, { ...(signal === undefined ? {} : { signal }), report: (note) => { notes.push(note) } })
        : undefined
      client.safeDispatchEvent('connection:failed', {
        kind: kindName,
        verdict,
        error,
        phase,
        attempt: attempts.length,
        ...(next === undefined ? {} : { next })
      })
      if (next === undefined) {
        throw new NoReachableResourceError(kindName, attempts.map(({ verdict: tried, error: failure }) => ({ verdict: tried, error: failure })))
      }
      const errorName = error instanceof Error ? error.name : typeof error
      client.safeDispatchEvent('selection:changed', {
        kind: kindName,
        previous: verdict,
        current: next,
        reason: [`${verdict.resource.nodeId.slice(0, 8)} ${phase === 'connect' ? 'failed to connect' : 'failed a request'} (${errorName})`, ...notes].join('; ')
      })
      current = next
    }
  }
}
