import type { FindResult, Verdict } from '@resource-discovery/core'
import { renderTable } from './render-table.js'

/**
 * A verdict as `--json` shows it: the resource and the judgement. `rejection`
 * is core's `Rejection` (`{ code, providers }`, e.g. `untrusted-providers`
 * with the providers that registered it), `null` when trusted, as in the
 * daemon's API.
 */
export function verdictJson (verdict: Verdict): Record<string, unknown> {
  return {
    resource: verdict.resource,
    trusted: verdict.trusted,
    provider: verdict.provider ?? null,
    reason: verdict.reason,
    rejection: verdict.rejection === undefined ? null : { code: verdict.rejection.code, providers: verdict.rejection.providers ?? [] },
    verifier: verdict.verifier
  }
}

/** One row per server found: selected, verified or rejected, who vouches, where it came from, why. */
export function renderVerdicts (verdicts: readonly Verdict[], selected?: Verdict): string {
  if (verdicts.length === 0) {
    return 'no server was discovered'
  }
  return renderTable([
    { heading: 'VERDICT', cell: (verdict: Verdict) => verdict === selected ? 'selected' : verdict.trusted ? 'verified' : 'rejected' },
    { heading: 'NODE ID', cell: (verdict) => verdict.resource.nodeId },
    { heading: 'PROVIDER', cell: (verdict) => verdict.provider ?? '-' },
    { heading: 'ORIGIN', cell: (verdict) => verdict.resource.origin },
    { heading: 'REASON', cell: (verdict) => verdict.reason }
  ], verdicts)
}

/** The text of a successful find: the table, then the selected server and the timings. */
export function renderFindResult (result: FindResult): string {
  const { selected, timings } = result
  return [
    renderVerdicts([...result.verified, ...result.rejected], selected),
    '',
    `selected ${selected.resource.nodeId}, vouched for by ${selected.provider}`,
    ...selected.resource.multiaddrs.map((multiaddr) => `  ${multiaddr}`),
    `${result.verified.length} verified, ${result.rejected.length} rejected (discover ${Math.round(timings.discoverMs)} ms, verify ${Math.round(timings.verifyMs)} ms, select ${Math.round(timings.selectMs)} ms)`
  ].join('\n')
}
