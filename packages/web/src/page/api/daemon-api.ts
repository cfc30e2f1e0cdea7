import { ApiError, DaemonUnreachableError } from './errors.js'
import type {
  CustomServerView, CustomServersAnswer, ErrorBody, KindsAnswer, ProvidersAnswer, ResourcesAnswer, TrustView
} from './views.js'

/** How long a request may take before the daemon counts as unreachable. */
export const REQUEST_TIMEOUT_MS = 10_000

/** Options of every request. */
export interface RequestOptions {
  readonly signal?: AbortSignal
}

/** The answer to adding a custom server. */
export interface AddedCustomServer {
  readonly server: CustomServerView
  /** `false` when the daemon had it already. */
  readonly created: boolean
}

/**
 * A typed client of the daemon's HTTP API. URLs are resolved against
 * `baseUrl` (the page's own directory by default), so the page keeps working
 * behind a reverse proxy that serves the daemon under a path prefix.
 */
export class DaemonApi {
  readonly baseUrl: URL

  constructor (baseUrl: URL) {
    this.baseUrl = baseUrl
  }

  /** `GET v1/kinds`. */
  async kinds (options?: RequestOptions): Promise<KindsAnswer> {
    return this.#request<KindsAnswer>('GET', 'v1/kinds', undefined, options)
  }

  /** `GET v1/kinds/:kind/resources?status=all`: every server of `kind` with its verdict. */
  async resources (kind: string, options?: RequestOptions): Promise<ResourcesAnswer> {
    return this.#request<ResourcesAnswer>('GET', `v1/kinds/${encodeURIComponent(kind)}/resources?status=all`, undefined, options)
  }

  /** `GET v1/trust`. */
  async trust (options?: RequestOptions): Promise<TrustView> {
    return this.#request<TrustView>('GET', 'v1/trust', undefined, options)
  }

  /** `PUT v1/trust`: trusts exactly `trustedProviders`, in that order of preference. */
  async setTrust (trustedProviders: readonly string[], options?: RequestOptions): Promise<TrustView> {
    return this.#request<TrustView>('PUT', 'v1/trust', { trustedProviders }, options)
  }

  /** `GET v1/providers`. */
  async providers (options?: RequestOptions): Promise<ProvidersAnswer> {
    return this.#request<ProvidersAnswer>('GET', 'v1/providers', undefined, options)
  }

  /** `GET v1/custom-servers`. */
  async customServers (options?: RequestOptions): Promise<CustomServersAnswer> {
    return this.#request<CustomServersAnswer>('GET', 'v1/custom-servers', undefined, options)
  }

  /** `POST v1/custom-servers`. */
  async addCustomServer (server: { readonly kind: string, readonly address: string }, options?: RequestOptions): Promise<AddedCustomServer> {
    const { status, body } = await this.#send('POST', 'v1/custom-servers', server, options)
    return { server: body as CustomServerView, created: status === 201 }
  }

  /** `DELETE v1/custom-servers/:nodeId?kind=K`. */
  async removeCustomServer (nodeId: string, kind: string, options?: RequestOptions): Promise<void> {
    await this.#send('DELETE', `v1/custom-servers/${encodeURIComponent(nodeId)}?kind=${encodeURIComponent(kind)}`, undefined, options)
  }

  /** The URL of `path` relative to the API's base. */
  url (path: string): URL {
    return new URL(path, this.baseUrl)
  }

  async #request<T> (method: string, path: string, body: unknown, options: RequestOptions | undefined): Promise<T> {
    const answer = await this.#send(method, path, body, options)
    if (answer.body === undefined) {
      throw new ApiError({ error: 'InvalidAnswer', message: `The daemon answered ${method} ${path} with something other than JSON`, statusCode: answer.status })
    }
    return answer.body as T
  }

  async #send (method: string, path: string, body: unknown, options: RequestOptions | undefined): Promise<{ status: number, body: unknown }> {
    const url = this.url(path)
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS)
    const signal = options?.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout])
    let response: Response
    try {
      response = await fetch(url, {
        method,
        signal,
        headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
        cache: 'no-store'
      })
    } catch (err) {
      if (options?.signal?.aborted === true) {
        throw err
      }
      throw new DaemonUnreachableError(this.baseUrl.href, { cause: err })
    }
    const text = await response.text()
    const parsed = parseJson(text)
    if (!response.ok) {
      throw new ApiError(isErrorBody(parsed)
        ? parsed
        : { error: response.statusText || 'Error', message: `The daemon answered ${method} ${path} with status ${response.status}`, statusCode: response.status })
    }
    return { status: response.status, body: parsed }
  }
}

function parseJson (text: string): unknown {
  if (text === '') {
    return undefined
  }
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function isErrorBody (value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) {
    return false
  }
  const body = value as Record<string, unknown>
  return typeof body.error === 'string' && typeof body.message === 'string' && typeof body.statusCode === 'number'
}
