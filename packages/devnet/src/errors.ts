/**
 * Errors thrown by `@resource-discovery/devnet`.
 *
 * One class per condition. Each has a stable `name` (branch on `err.name` or
 * `instanceof`, never on the message), a message that tells the user what to
 * fix, and keeps the underlying error as `cause`. A malformed
 * {@link StartLocalNetworkInit} throws core's `InvalidConfigurationError`,
 * and an aborted start core's `AbortError`.
 */

import { ResourceDiscoveryError, type ResourceDiscoveryErrorOptions } from '@resource-discovery/core'

/** Options shared by every error of this package. */
export type LocalNetworkErrorOptions = ResourceDiscoveryErrorOptions

/** Base class of every error this package throws (a core {@link ResourceDiscoveryError}). */
export class LocalNetworkError extends ResourceDiscoveryError {
  static override readonly name: string = 'LocalNetworkError'
  static override readonly retryable: boolean = false
  override readonly name: string = 'LocalNetworkError'
}

/**
 * A part of the local network failed to start. Everything that had started
 * was stopped again and the temporary directories were removed; `cause` is
 * the part's own error.
 */
export class LocalNetworkStartError extends LocalNetworkError {
  static override readonly name = 'LocalNetworkStartError'
  static override readonly retryable = false
  override readonly name = 'LocalNetworkStartError'
  /** The part that failed, e.g. `chain`, `registry`, `provider other`, `server mail-2`. */
  readonly part: string

  constructor (part: string, options: LocalNetworkErrorOptions = {}) {
    const problem = options.cause instanceof Error ? options.cause.message : String(options.cause)
    super(
      `The local network could not start: ${part} failed: ${problem}`,
      'Everything that had started was stopped again; the cause says what went wrong with this part',
      { ...options, details: { part, ...options.details } }
    )
    this.part = part
  }
}

/** A helper of a local network was given a provider or server label the network does not have. */
export class UnknownLabelError extends LocalNetworkError {
  static override readonly name = 'UnknownLabelError'
  static override readonly retryable = false
  override readonly name = 'UnknownLabelError'
  /** The label given. */
  readonly label: string

  constructor (what: 'provider' | 'server', label: string, known: readonly string[], options: LocalNetworkErrorOptions = {}) {
    super(
      `The local network has no ${what} labelled "${label}"`,
      known.length === 0 ? `It has no ${what}s: declare them in startLocalNetwork({ ${what}s })` : `Known ${what}s: ${known.join(', ')}`,
      { ...options, details: { what, label, known, ...options.details } }
    )
    this.label = label
  }
}

/** A helper of a local network was called after {@link LocalNetwork.stop}. */
export class LocalNetworkStoppedError extends LocalNetworkError {
  static override readonly name = 'LocalNetworkStoppedError'
  static override readonly retryable = false
  override readonly name = 'LocalNetworkStoppedError'

  constructor (operation: string, options: LocalNetworkErrorOptions = {}) {
    super(`${operation}: the local network is stopped`, 'Start a new one with startLocalNetwork()', { ...options, details: { operation, ...options.details } })
  }
}
