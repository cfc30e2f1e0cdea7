import { h } from '../dom/h.js'

/** The colour family of a badge; its text always says the same on its own. */
export type BadgeTone = 'ok' | 'bad' | 'warn' | 'info' | 'accent' | 'neutral'

/** A short status word, e.g. `Verified`, coloured by `tone`. */
export function badge (text: string, tone: BadgeTone, title?: string): HTMLSpanElement {
  return h('span', { class: `badge badge--${tone}`, title }, text)
}
