import type { ErrorBody } from './views.js'

/** The daemon answered a request with an error body. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  /** The daemon's name for the error, e.g. `InvalidEnrError`. */
  readonly error: string
  readonly statusCode: number
  /** The request field at fault, when the daemon names one. */
  readonly field: string | undefined

  constructor (body: ErrorBody, options?: ErrorOptions) {
    super(body.message, options)
    this.error = body.error
    this.statusCode = body.statusCode
    this.field = body.field
  }
}

/** The daemon did not answer: it is stopped, unreachable, or too slow. */
export class DaemonUnreachableError extends Error {
  override readonly name = 'DaemonUnreachableError'

  constructor (url: string, options?: ErrorOptions) {
    super(`The daemon does not answer at ${url}`, options)
  }
}

/** The message to show for `err`, whatever it is. */
export function errorMessage (err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
