import { h } from '../dom/h.js'
import { formatDateTime, formatRelative } from '../format/format.js'

/** A `<time>` that reads `5 min ago`, with the full date and time on hover and in `datetime`. */
export function relativeTime (iso: string, now: number = Date.now()): HTMLTimeElement {
  return h('time', { datetime: iso, title: formatDateTime(iso) }, formatRelative(iso, now))
}
