import type { Logger } from '../logging/logger.js'
import type { Resource } from '../resource/resource.js'
import type { ResourceKind } from '../resource/resource-kind.js'
import { startTogether, stopAll, type Startable } from '../util/startable.js'
import type { Verdict } from './verdict.js'
import type { Verifier, VerifyOptions } from './verifier.js'
import type { VerifierChangeListener } from './verifier-change.js'
import { verifySafely } from './verify-safely.js'

/** The reason of a composite verifier's verdicts when it combines no verifier (it fails closed). */
export const NO_VERIFIER_REASON = 'no verifier is configured'

/**
 * What {@link AnyOfVerifier} and {@link AllOfVerifier} share: the verifiers
 * they combine, started and stopped with them, and a fail-closed way to ask
 * one of them about some of the resources.
 */
export abstract class CompositeVerifier implements Verifier, Startable {
  abstract readonly name: string
  readonly #verifiers: readonly Verifier[]
  readonly #logger: Logger

  protected constructor (verifiers: readonly Verifier[], logger: Logger) {
    this.#verifiers = verifiers
    this.#logger = logger
  }

  /** The verifiers it combines, in order. */
  get verifiers (): readonly Verifier[] {
    return this.#verifiers
  }

  async start (): Promise<void> {
    await startTogether(this.#verifiers)
  }

  async stop (): Promise<void> {
    await stopAll(this.#verifiers)
  }

  /** Forwards the changes of every member that reports them (see {@link Verifier.onChange}). */
  onChange (listener: VerifierChangeListener): () => void {
    const unsubscribes = this.#verifiers.flatMap((verifier) => verifier.onChange === undefined ? [] : [verifier.onChange(listener)])
    return () => {
      for (const unsubscribe of unsubscribes.splice(0)) {
        unsubscribe()
      }
    }
  }

  abstract verify (kind: ResourceKind, resources: readonly Resource[], options?: VerifyOptions): Promise<Verdict[]>

  /** Asks `verifier` about the resources at `indexes`, failing closed. */
  protected async ask (verifier: Verifier, kind: ResourceKind, resources: readonly Resource[], indexes: readonly number[], options: VerifyOptions): Promise<Verdict[]> {
    return verifySafely(verifier, kind, indexes.map((index) => resources[index] as Resource), options, this.#logger)
  }
}
