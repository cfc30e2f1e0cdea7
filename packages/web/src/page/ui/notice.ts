import { h, type Child } from '../dom/h.js'

/** How a notice looks: `info` for an empty or normal state, `warn` for something to fix, `error` for a failure. */
export type NoticeTone = 'info' | 'warn' | 'error'

/**
 * A paragraph that explains a state (nothing found yet, not configured,
 * failed to load). It has no live role: sections re-render it often, and
 * announcing it each time would be noise.
 */
export function notice (tone: NoticeTone, ...children: Child[]): HTMLParagraphElement {
  return h('p', { class: `notice notice--${tone}` }, ...children)
}
