import type { KindView, ResourceView, VerdictView } from '../api/views.js'

/** Where a server stands: judged trusted, judged untrusted, or found and not judged yet. */
export type ServerStatus = 'verified' | 'rejected' | 'discovered'

/** One server of a kind, as the servers table shows it. */
export interface ServerRow {
  readonly resource: ResourceView
  /** The verdict on it; absent while it awaits one. */
  readonly verdict: VerdictView | undefined
  readonly status: ServerStatus
  readonly selected: boolean
}

const ORDER: Readonly<Record<ServerStatus, number>> = { verified: 0, discovered: 1, rejected: 2 }

/**
 * The rows of a kind's table: the selected server first, then verified,
 * awaiting and rejected ones, each group in node id order so that rows do not
 * jump around as latencies change.
 */
export function serverRows (kind: KindView, verdicts: readonly VerdictView[], awaiting: readonly ResourceView[]): ServerRow[] {
  const judged = new Set(verdicts.map((verdict) => verdict.nodeId))
  const rows: ServerRow[] = [
    ...verdicts.map((verdict): ServerRow => ({
      resource: verdict,
      verdict,
      status: verdict.trusted ? 'verified' : 'rejected',
      selected: verdict.nodeId === kind.selected
    })),
    ...awaiting
      .filter((resource) => !judged.has(resource.nodeId))
      .map((resource): ServerRow => ({ resource, verdict: undefined, status: 'discovered', selected: false }))
  ]
  return rows.sort((a, b) =>
    Number(b.selected) - Number(a.selected) ||
    ORDER[a.status] - ORDER[b.status] ||
    a.resource.nodeId.localeCompare(b.resource.nodeId))
}
