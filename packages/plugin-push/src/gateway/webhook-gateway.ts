import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { combineSignals, InvalidConfigurationError, throwIfAborted, toAbortError } from '@resource-discovery/core'
import { WebhookResponseError, WebhookUnreachableError } from '../errors.js'
import type { PushGateway, PushNotification } from './push-gateway.js'

/** Default longest one webhook call (connect, send, status line) may take, in milliseconds. */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5000

/** Options of a {@link WebhookGateway}; only `url` is required. */
export interface WebhookGatewayInit {
  /** The `http:` or `https:` URL to POST each notification to. */
  url: string
  /** Longest one call may take, in milliseconds. Default {@link DEFAULT_WEBHOOK_TIMEOUT_MS}. */
  timeoutMs?: number
  /** Extra request headers, e.g. `authorization`. */
  headers?: Record<string, string>
  /** Whether to send the envelope payload (base64) in the body. Default `false`: a wake-up only. */
  includePayload?: boolean
}

/** The JSON body a {@link WebhookGateway} POSTs. */
export interface WebhookBody {
  registrationId: string
  deviceToken: string
  topic: string
  envelopeId: string
  timestamp: number
  /** Base64 of the payload, when `includePayload` is set. */
  payload?: string
}

/**
 * A {@link PushGateway} that POSTs each notification as JSON
 * ({@link WebhookBody}) to one URL, e.g. a relay to APNs or FCM. Each call
 * has its own connection and timeout, so a slow or failing target delays
 * nothing else; a non-2xx status is a {@link WebhookResponseError}, a network
 * failure or timeout a {@link WebhookUnreachableError}.
 *
 * @example
 * ```ts
 * const gateway = new WebhookGateway({ url: 'https://push-relay.example/notify', timeoutMs: 3000, headers: { authorization: 'Bearer ...' } })
 * ```
 */
export class WebhookGateway implements PushGateway {
  readonly #url: URL
  readonly #safeUrl: string
  readonly #timeoutMs: number
  readonly #headers: Record<string, string>
  readonly #includePayload: boolean

  /** @throws InvalidConfigurationError (core) if the URL or the timeout is invalid */
  constructor (init: WebhookGatewayInit) {
    let url: URL
    try {
      url = new URL(init.url)
    } catch (err) {
      throw new InvalidConfigurationError('url', 'not a URL', { cause: err })
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new InvalidConfigurationError('url', `expected an http: or https: URL, got ${url.protocol}`)
    }
    const timeoutMs = init.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new InvalidConfigurationError('timeoutMs', `expected a positive number, got ${timeoutMs}`)
    }
    this.#url = url
    const safe = new URL(url)
    safe.username = ''
    safe.password = ''
    this.#safeUrl = safe.toString()
    this.#timeoutMs = timeoutMs
    this.#headers = { ...init.headers }
    this.#includePayload = init.includePayload ?? false
  }

  /**
   * POSTs the notification.
   *
   * @throws {@link WebhookResponseError} on a non-2xx status
   * @throws {@link WebhookUnreachableError} on a network error or timeout
   * @throws AbortError (core) if `options.signal` aborts
   */
  async notify (notification: PushNotification, options: { signal?: AbortSignal } = {}): Promise<void> {
    throwIfAborted(options.signal)
    const body: WebhookBody = {
      registrationId: notification.registrationId,
      deviceToken: notification.deviceToken,
      topic: notification.topic,
      envelopeId: notification.envelopeId,
      timestamp: notification.timestamp,
      ...(this.#includePayload ? { payload: Buffer.from(notification.payload).toString('base64') } : {})
    }
    const bytes = Buffer.from(JSON.stringify(body))
    const { signal, clear } = combineSignals([options.signal], this.#timeoutMs)
    try {
      const response = await this.#post(bytes, signal)
      response.resume()
      const status = response.statusCode ?? 0
      if (status < 200 || status > 299) {
        throw new WebhookResponseError(this.#safeUrl, status)
      }
    } catch (err) {
      if (err instanceof WebhookResponseError) throw err
      if (options.signal?.aborted === true) throw toAbortError(options.signal)
      if (signal.aborted) {
        throw new WebhookUnreachableError(this.#safeUrl, `no answer within ${this.#timeoutMs} ms`, true, { cause: err })
      }
      throw new WebhookUnreachableError(this.#safeUrl, err instanceof Error ? err.message : String(err), false, { cause: err })
    } finally {
      clear()
    }
  }

  async #post (bytes: Buffer, signal: AbortSignal): Promise<IncomingMessage> {
    const request = this.#url.protocol === 'https:' ? httpsRequest : httpRequest
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(this.#url, {
        method: 'POST',
        agent: false,
        signal,
        headers: {
          ...this.#headers,
          'content-type': 'application/json',
          'content-length': String(bytes.length),
          connection: 'close'
        }
      }, resolve)
      req.once('error', reject)
      req.end(bytes)
    })
  }
}
