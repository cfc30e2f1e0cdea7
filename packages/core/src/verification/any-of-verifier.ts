import { inject, injectable, multiInject, optional } from 'inversify'
import { Logger, silentLogger } from '../logging/logger.js'
import type { Resource } from '../resource/resource.js'
import type { ResourceKind } from '../resource/resource-kind.js'
import { throwIfAborted } from '../util/abort.js'
import type { Verdict } from './verdict.js'
import { VerifierContribution, type Verifier, type VerifyOptions } from './verifier.js'
import { CompositeVerifier, NO_VERIFIER_REASON } from './composite-verifier.js'

/**
 * Trusts a resource if any of its verifiers does: e.g. the user's allow-list
 * or the registry contract. Verifiers run in order, each on the resources the
 * ones before it did not trust, so a cheap verifier first spares the others.
 *
 * A verifier that throws counts as untrusting (fail closed). A rejection's
 * reason lists the reasons of the verifiers that could have vouched: an
 * allow-list's "not on the user's allow-list" is left out when another
 * verifier says why (the allow-list often holds only the user's own
 * servers), and when only allow-lists rejected, the reason says that no
 * registry is configured (code `no-registry`). The rejection's
 * {@link Verdict.rejection} is the first speaking verifier's.
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
    const rejections: Verdict[][] = resources.map(() => [])
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
          rejections[index]?.push(verdict)
          stillOpen.push(index)
        }
      })
      open = stillOpen
    }
    return resources.map((resource, index) => decided[index] ?? { resource, trusted: false, ...combineRejections(rejections[index] ?? []), verifier: this.name })
  }
}

/** The reason and rejection of a resource every verifier rejected, from their verdicts (see {@link AnyOfVerifier}). */
function combineRejections (verdicts: readonly Verdict[]): Pick<Verdict, 'reason' | 'rejection'> {
  if (verdicts.length === 0) {
    return { reason: NO_VERIFIER_REASON, rejection: { code: 'no-verifier' } }
  }
  const speaking = verdicts.filter((verdict) => verdict.rejection?.code !== 'not-allow-listed')
  if (speaking.length === 0) {
    return { reason: 'not on the user\'s allow-list, and no registry is configured to vouch for it', rejection: { code: 'no-registry' } }
  }
  const rejection = speaking.find((verdict) => verdict.rejection !== undefined)?.rejection
  return {
    reason: speaking.map((verdict) => `${verdict.verifier}: ${verdict.reason}`).join('; '),
    ...(rejection === undefined ? {} : { rejection })
  }
}
