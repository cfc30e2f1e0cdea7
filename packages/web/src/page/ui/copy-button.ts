import { h } from '../dom/h.js'

/** How long a copy button says `Copied`. */
export const COPIED_FEEDBACK_MS = 2_000

/**
 * A button that copies `text` to the clipboard, or `undefined` where the
 * browser offers no clipboard (a page not served from localhost or https):
 * the text is on the page to select by hand anyway.
 */
export function copyButton (text: string, label: string, key: string): HTMLButtonElement | undefined {
  if (!window.isSecureContext || !('clipboard' in navigator)) {
    return undefined
  }
  const button = h('button', { type: 'button', class: 'button button--small', 'aria-label': label, 'data-key': key }, 'Copy')
  button.addEventListener('click', () => {
    navigator.clipboard.writeText(text).then(() => {
      button.textContent = 'Copied'
      window.setTimeout(() => { button.textContent = 'Copy' }, COPIED_FEEDBACK_MS)
    }, () => {
      button.textContent = 'Copy failed'
    })
  })
  return button
}
