/**
 * A selector whose choice a test controls: the first candidate in an order
 * the test gives, so failover and re-selection are deterministic.
 */
import type { Selector } from '@resource-discovery/core'

/**
 * A {@link Selector} named `ordered` that picks the first candidate whose node
 * id comes first in `order()` (read at each selection, so a test may change
 * it), or the first candidate when none is in it.
 *
 * @example
 * ```ts
 * let order = [second.nodeId, first.nodeId]
 * bind(KindSelector).toConstantValue({ kind: 'mailserver', selector: orderedSelector(() => order) })
 * ```
 */
export function orderedSelector (order: () => readonly string[]): Selector {
  return {
    name: 'ordered',
    async select (_kind, candidates) {
      for (const nodeId of order()) {
        const found = candidates.find((candidate) => candidate.resource.nodeId === nodeId)
        if (found !== undefined) return found
      }
      return candidates[0]
    }
  }
}
