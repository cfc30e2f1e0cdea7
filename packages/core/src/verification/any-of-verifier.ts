import { inject, injectable, multiInject, optional } from 'inversify'
import { Logger, silentLogger } from '../logging/logger.js'
import type { Resource } from '../resource/resource.js'
import type { ResourceKind } from '../resource/resource-kind.js'
import { throwIfAborted } from '../util/abort.js'
import type { Verdict } from './verdict.js'
import { VerifierContribution, type Verifier, type VerifyOptions } from './verifier.js'
import { CompositeVerifier } from './composite-verifier.js'

/**
 * Trusts a resource if any of its verifiers does: e.g. the user's allow-list
 * or the registry contract. Verifiers run in order, each on the resources the
 * ones before it did not trust, so a cheap verifier first spares the others.
 *
 * A verifier that throws counts as untrusting (fail closed); a rejection's
 * reason lists every verifier's reason.
 */
@injectable()
export class AnyOfVerifier extends CompositeVerifier {
  readonly name = 'any-of'

  constructor (
  @multiInject(VerifierContribution) @optional() verifiers: readonly Verifier[] = [],
    @inject(Logger) @optional() logger: Logger = silentLogger
  ) {
    super(verifiers, logger.child({ component: 'any-of-verifier' }))
  }

  async verify (kind: ResourceKind, resources: readonly Resource[], options: VerifyOptions = {}): Promise<Verdict[]> {
    throwIfAborted(options.signal)
    const decided: Array<Verdict | undefined> = resources.map(() => undefined)
    const reasons: string[][] = resources.map(() => [])
    let open = resources.map((_resource, index) => index)
    for (const verifier of this.verifiers) {
      if (open.length === 0) {
        break
      }
      const verdicts = await this.ask(verifier, kind, resources, open, options)
      const stillOpen: number[] = []
      verdicts.forEach((verdict, position) => {
        const index = open[position] as number
        if (verdict.trusted) {
          decided[index] = { ...verdict, resource: resources[index] as Resource }
        } else {
          reasons[index]?.push(`${verifier.name}: ${verdict.reason}`)
          stillOpen.push(index)
        }
      })
      open = stillOpen
    }
    return resources.map((resource, index) => decided[index] ?? {
      resource,
      trusted: false,
      reason: reasons[index]?.join('; ') || 'no verifier is configured',
      verifier: this.name
    })
  }
}
