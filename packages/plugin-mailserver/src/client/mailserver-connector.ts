import type { ClientHost } from '@resource-discovery/client-host'
import { isOverloadedError, isRetryableError, type AbortOptions, type Logger, type ResourceConnector, type TrustedVerdict } from '@resource-discovery/core'
import { mailserverKind } from '../mailserver-kind.js'
import { MailserverClient, type MailserverClientInit } from './mailserver-client.js'

/** Options of {@link mailserverConnector}. Every field is optional. */
export interface MailserverConnectorInit extends MailserverClientInit {
  logger?: Logger
}

/**
 * Names of the mail-server errors worth trying on another mail server: the
 * server is busy, faulty, speaks another version, or holds another key than
 * its record. A bad query, a stale or replayed request, or refused envelopes
 * are the caller's to fix and are not retried.
 */
export const MAILSERVER_RETRYABLE_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ServerOverloadedError',
  'ServerInternalError',
  'UnsupportedVersionError',
  'DecryptionFailedError',
  'MalformedResponseError'
])

/** Whether a mail-server request's `error` is worth trying on another mail server (transport failures included). */
export function isRetryableMailserverError (error: unknown): boolean {
  return isRetryableError(error) || (error instanceof Error && MAILSERVER_RETRYABLE_ERROR_NAMES.has(error.name))
}

/**
 * Whether a mail-server request's `error` means the server is overloaded
 * (its `Overloaded` answer, or core's `ResourceOverloadedError`): a sticky
 * selector then switches at once instead of after repeated failures.
 */
export function isOverloadedMailserverError (error: unknown): boolean {
  return isOverloadedError(error) || (error instanceof Error && error.name === 'ServerOverloadedError')
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
