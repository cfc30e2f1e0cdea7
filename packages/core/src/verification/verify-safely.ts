import { AbortError } from '../errors.js'
import type { Logger } from '../logging/logger.js'
import type { Resource } from '../resource/resource.js'
import type { ResourceKind } from '../resource/resource-kind.js'
import type { Verdict } from './verdict.js'
import type { Verifier, VerifyOptions } from './verifier.js'

/**
 * Runs `verifier`, failing closed: if it throws (anything but an abort), every
 * resource gets an untrusted verdict saying why, and the error is logged.
 * A verifier that returns the wrong number of verdicts is treated the same.
 */
export async function verifySafely (verifier: Verifier, kind: ResourceKind, resources: readonly Resource[], options: VerifyOptions, logger: Logger): Promise<Verdict[]> {
  let problem: string
  try {
    const verdicts = await verifier.verify(kind, resources, options)
    if (verdicts.length === resources.length) {
      return verdicts
    }
    problem = `returned ${verdicts.length} verdicts for ${resources.length} resources`
    logger.error({ verifier: verifier.name, kind: kind.name }, `verifier ${problem}`)
  } catch (err) {
    if (err instanceof AbortError || options.signal?.aborted === true) {
      throw err
    }
    problem = `failed: ${err instanceof Error ? err.message : String(err)}`
    logger.warn({ verifier: verifier.name, kind: kind.name, err }, 'verifier failed; its verdicts are untrusted')
  }
  return resources.map((resource) => ({ resource, trusted: false, reason: `${verifier.name} ${problem}`, rejection: { code: 'verifier-failed' }, verifier: verifier.name }))
}
