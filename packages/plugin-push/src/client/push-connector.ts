import type { ClientHost } from '@resource-discovery/client-host'
import { isRetryableError, type AbortOptions, type ResourceConnector, type TrustedVerdict } from '@resource-discovery/core'
import { pushKind } from '../push-kind.js'
import { PushClient } from './push-client.js'

/**
 * Whether a push request's `error` is worth trying on another push server:
 * it carries `retryable: true` ({@link isRetryableError}). Besides the
 * transport failures, the push errors that say so are an unreadable answer
 * (`InvalidPushResponseError`, `UnsupportedPushVersionError`) and a
 * refusal for the server's own state (a `PushRequestRefusedError` with
 * `BUSY`, `LIMIT_REACHED`, `INTERNAL`, `UNDECRYPTABLE` or
 * `UNSUPPORTED_VERSION`, see `RETRYABLE_PUSH_STATUSES`). A malformed
 * registration, `STALE`, `REPLAYED`, `FORBIDDEN` or `UNKNOWN_REGISTRATION`
 * are not retried.
 */
export function isRetryablePushError (error: unknown): boolean {
  return isRetryableError(error)
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
