import { inject, injectable, optional } from 'inversify'
import { InvalidConfigurationError } from '../errors.js'
import { normalizeNodeId } from '../identity/node-identity.js'
import type { Resource } from '../resource/resource.js'
import type { ResourceKind } from '../resource/resource-kind.js'
import { throwIfAborted } from '../util/abort.js'
import type { Verdict } from './verdict.js'
import type { Verifier, VerifyOptions } from './verifier.js'

/** Options of {@link AllowListVerifier}. */
export interface AllowListVerifierInit {
  /** Node ids the user trusts explicitly (64 hex characters, `0x` allowed). */
  nodeIds?: readonly string[]
}

/** DI token of the {@link AllowListVerifierInit} the container builds the allow-list with. */
export const AllowListVerifierInit = Symbol.for('resource-discovery/AllowListVerifierInit')

/** The provider name an allow-list verdict gives: the user vouches. */
export const USER_PROVIDER = 'user'

const NOT_LISTED_REASON = 'not on the user\'s allow-list'

/**
 * Trusts the node ids the user listed, whatever the registry says: this is how
 * a user's own server is accepted without the contract. Trusts nothing else.
 *
 * Its rejections carry the code `not-allow-listed`: when it is combined with
 * other verifiers (`AnyOfVerifier`), they speak instead, since the
 * allow-list often holds only the user's own servers.
 */
@injectable()
export class AllowListVerifier implements Verifier {
  readonly name = 'allow-list'
  readonly #nodeIds = new Set<string>()

  /**
   * @throws {@link InvalidConfigurationError} if a node id is malformed
   */
  constructor (@inject(AllowListVerifierInit) @optional() init: AllowListVerifierInit = {}) {
    (init.nodeIds ?? []).forEach((nodeId, index) => { this.#nodeIds.add(parseNodeId(nodeId, `nodeIds[${index}]`)) })
  }

  /**
   * Trusts `nodeId` from now on.
   *
   * @throws {@link InvalidConfigurationError} if it is malformed
   */
  allow (nodeId: string): void {
    this.#nodeIds.add(parseNodeId(nodeId, 'nodeId'))
  }

  /** Stops trusting `nodeId`; returns whether it was listed. */
  revoke (nodeId: string): boolean {
    const normalized = normalizeNodeId(nodeId)
    return normalized !== undefined && this.#nodeIds.delete(normalized)
  }

  /** Whether `nodeId` is listed. */
  has (nodeId: string): boolean {
    const normalized = normalizeNodeId(nodeId)
    return normalized !== undefined && this.#nodeIds.has(normalized)
  }

  /** The listed node ids. */
  list (): string[] {
    return [...this.#nodeIds]
  }

  async verify (_kind: ResourceKind, resources: readonly Resource[], options: VerifyOptions = {}): Promise<Verdict[]> {
    throwIfAborted(options.signal)
    return resources.map((resource) => this.#nodeIds.has(resource.nodeId)
      ? { resource, trusted: true, provider: USER_PROVIDER, reason: 'on the user\'s allow-list', verifier: this.name }
      : { resource, trusted: false, reason: NOT_LISTED_REASON, rejection: { code: 'not-allow-listed' }, verifier: this.name })
  }
}

function parseNodeId (nodeId: string, option: string): string {
  const normalized = typeof nodeId === 'string' ? normalizeNodeId(nodeId) : undefined
  if (normalized === undefined) {
    throw new InvalidConfigurationError(option, `${JSON.stringify(nodeId)} is not a node id (64 hex characters)`)
  }
  return normalized
}
