import type { ClientHost } from '@resource-discovery/client-host'
import { isRetryableError, type AbortOptions, type ResourceConnector, type TrustedVerdict } from '@resource-discovery/core'
import { PushStatus } from '../protocol/push-status.js'
import { pushKind } from '../push-kind.js'
import { PushClient } from './push-client.js'

/** Push statuses worth trying on another push server: it is busy, full, faulty, or speaks another version or key. */
const RETRYABLE_PUSH_STATUSES: ReadonlySet<number> = new Set([
  PushStatus.UNSUPPORTED_VERSION, PushStatus.UNDECRYPTABLE, PushStatus.BUSY, PushStatus.LIMIT_REACHED, PushStatus.INTERNAL
])

/**
 * Whether a push request's `error` is worth trying on another push server:
 * transport failures, an unreadable answer, or a refusal for the server's
 * own state (`BUSY`, `LIMIT_REACHED`, `INTERNAL`, `UNDECRYPTABLE`,
 * `UNSUPPORTED_VERSION`). A malformed registration, `STALE`, `REPLAYED`,
 * `FORBIDDEN` or `UNKNOWN_REGISTRATION` are not retried.
 */
export function isRetryablePushError (error: unknown): boolean {
  if (isRetryableError(error)) {
    return true
  }
  if (!(error instanceof Error)) {
    return false
  }
  if (error.name === 'InvalidPushResponseError' || error.name === 'UnsupportedPushVersionError') {
    return true
  }
  const status = (error as { status?: unknown }).status
  return error.name === 'PushRequestRefusedError' && typeof status === 'number' && RETRYABLE_PUSH_STATUSES.has(status)
}

/**
 * The {@link ResourceConnector} of the `push` kind: connects to the verified
 * push server over `host` (proving its peer id), then returns a
 * {@link PushClient} of it. `host` must be started; it is not stopped.
 *
 * A registration lives on the server that accepted it: unregister through
 * the same server (`ConnectResult.verdict`).
 *
 * @example
 * ```ts
 * const registrationId = await withFailover(resourceClient, 'push', pushConnector(host),
 *   async (push, { signal }) => push.register({ deviceToken, topics }, { signal }))
 * ```
 */
export function pushConnector (host: ClientHost): ResourceConnector<PushClient> {
  return {
    kind: pushKind.name,
    async connect (verdict: TrustedVerdict, options: AbortOptions = {}): Promise<PushClient> {
      const { resource } = verdict
      await host.connect(resource, options.signal === undefined ? {} : { signal: options.signal })
      return new PushClient({ host, resource })
    },
    isRetryable: isRetryablePushError
  }
}
