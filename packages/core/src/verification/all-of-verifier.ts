import { inject, injectable, multiInject, optional } from 'inversify'
import { Logger, silentLogger } from '../logging/logger.js'
import type { Resource } from '../resource/resource.js'
import type { ResourceKind } from '../resource/resource-kind.js'
import { throwIfAborted } from '../util/abort.js'
import type { Verdict } from './verdict.js'
import { VerifierContribution, type Verifier, type VerifyOptions } from './verifier.js'
import { CompositeVerifier, NO_VERIFIER_REASON } from './composite-verifier.js'

/**
 * Trusts a resource only if every one of its verifiers does: e.g. registered
 * on chain and also on an operator's own list. Verifiers run in order, each on
 * the resources all the ones before it trusted.
 *
 * The provider of a trusted verdict is the first verifier's; a rejection
 * carries the reason (and {@link Verdict.rejection}) of the verifier that
 * rejected. With no verifiers it
 * trusts nothing (fail closed).
 */
@injectable()
export class AllOfVerifier extends CompositeVerifier {
  readonly name = 'all-of'

  constructor (
  @multiInject(VerifierContribution) @optional() verifiers: readonly Verifier[] = [],
    @inject(Logger) @optional() logger: Logger = silentLogger
  ) {
    super(verifiers, logger.child({ component: 'all-of-verifier' }))
  }

  async verify (kind: ResourceKind, resources: readonly Resource[], options: VerifyOptions = {}): Promise<Verdict[]> {
    throwIfAborted(options.signal)
    if (this.verifiers.length === 0) {
      return resources.map((resource) => ({ resource, trusted: false, reason: NO_VERIFIER_REASON, rejection: { code: 'no-verifier' }, verifier: this.name }))
    }
    const results: Verdict[] = []
    const accepted: Array<Verdict[]> = resources.map(() => [])
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
          accepted[index]?.push(verdict)
          stillOpen.push(index)
        } else {
          results[index] = {
            resource: resources[index] as Resource,
            trusted: false,
            reason: `${verifier.name}: ${verdict.reason}`,
            ...(verdict.rejection === undefined ? {} : { rejection: verdict.rejection }),
            verifier: verifier.name
          }
        }
      })
      open = stillOpen
    }
    for (const index of open) {
      const verdicts = accepted[index] ?? []
      const first = verdicts[0]
      results[index] = {
        resource: resources[index] as Resource,
        trusted: true,
        ...(first?.provider === undefined ? {} : { provider: first.provider }),
        reason: verdicts.map((verdict) => `${verdict.verifier}: ${verdict.reason}`).join('; '),
        verifier: this.name
      }
    }
    return results
  }
}
