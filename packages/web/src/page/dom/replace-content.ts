import { append, type Child } from './h.js'

/**
 * Replaces the content of `container` with `children`, keeping what the user
 * was doing there: the element with the same `data-key` as the one that had
 * focus gets it back, and `<details data-key>` stay open or closed. Sections
 * re-render whole on every change, so this is what keeps a keyboard user's
 * place.
 */
export function replaceContent (container: HTMLElement, ...children: Child[]): void {
  const focused = document.activeElement
  const focusKey = focused instanceof HTMLElement && container.contains(focused) ? focused.dataset.key : undefined
  const openDetails = new Map<string, boolean>()
  for (const details of container.querySelectorAll<HTMLDetailsElement>('details[data-key]')) {
    openDetails.set(details.dataset.key ?? '', details.open)
  }
  const fragment = document.createDocumentFragment()
  append(fragment, children)
  for (const details of fragment.querySelectorAll<HTMLDetailsElement>('details[data-key]')) {
    const open = openDetails.get(details.dataset.key ?? '')
    if (open !== undefined) {
      details.open = open
    }
  }
  container.replaceChildren(fragment)
  container.removeAttribute('aria-busy')
  if (focusKey !== undefined) {
    const again = container.querySelector<HTMLElement>(`[data-key="${CSS.escape(focusKey)}"]`)
    again?.focus({ preventScroll: true })
  }
}
