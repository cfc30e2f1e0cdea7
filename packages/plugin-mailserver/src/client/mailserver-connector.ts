import type { ClientHost } from '@resource-discovery/client-host'
import { isOverloadedError, isRetryableError, type AbortOptions, type Logger, type ResourceConnector, type TrustedVerdict } from '@resource-discovery/core'
import { mailserverKind } from '../mailserver-kind.js'
import { MailserverClient, type MailserverClientInit } from './mailserver-client.js'

/** Options of {@link mailserverConnector}. Every field is optional. */
export interface MailserverConnectorInit extends MailserverClientInit {
  logger?: Logger
}

/**
 * Whether a mail-server request's `error` is worth trying on another mail
 * server: it carries `retryable: true` ({@link isRetryableError}). Besides
 * the transport failures, the mail-server errors that say so are the
 * server's own faults: busy (`ServerOverloadedError`), faulty
 * (`ServerInternalError`, `MalformedResponseError`), another version
 * (`UnsupportedVersionError`) or another key than its record
 * (`DecryptionFailedError`). A bad query, a stale or replayed request, or
 * refused envelopes are the caller's to fix and are not retried.
 */
export function isRetryableMailserverError (error: unknown): boolean {
  return isRetryableError(error)
}

/**
 * Whether a mail-server request's `error` means the server is overloaded: it
 * carries `overloaded: true` ({@link isOverloadedError}), as the server's
 * `Overloaded` answer (`ServerOverloadedError`) and core's
 * `ResourceOverloadedError` do. A sticky selector then switches at once
 * instead of after repeated failures.
 */
export function isOverloadedMailserverError (error: unknown): boolean {
  return isOverloadedError(error)
}

/**
 * The {@link ResourceConnector} of the `mailserver` kind: connects to the
 * verified server over `host` (the noise handshake proves its peer id, so an
 * impostor is refused with `IdentityMismatchError`), then returns a
 * {@link MailserverClient} of it. `host` must be started; it is not stopped.
 *
 * @example
 * ```ts
 * const { client: mail } = await resourceClient.connect('mailserver', mailserverConnector(host))
 * const page = await withFailover(resourceClient, 'mailserver', mailserverConnector(host),
 *   async (mail, { signal }) => mail.requestHistory({ topics: [topic] }, { signal }))
 * ```
 */
export function mailserverConnector (host: ClientHost, init: MailserverConnectorInit = {}): ResourceConnector<MailserverClient> {
  const { logger, ...clientInit } = init
  return {
    kind: mailserverKind.name,
    async connect (verdict: TrustedVerdict, options: AbortOptions = {}): Promise<MailserverClient> {
      const { resource } = verdict
      // checks the key before dialling, so a record without a usable key costs no connection
      const client = new MailserverClient({ host, resource, ...(logger === undefined ? {} : { logger }) }, clientInit)
      await host.connect(resource, options.signal === undefined ? {} : { signal: options.signal })
      return client
    },
    isRetryable: isRetryableMailserverError,
    isOverloaded: isOverloadedMailserverError
  }
}
