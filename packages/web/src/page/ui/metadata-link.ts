import { h } from '../dom/h.js'
import { isWebLink } from '../format/format.js'

/** A provider's metadata URI: a link when it is an http(s) address, plain text otherwise (never a `javascript:` link). */
export function metadataLink (uri: string): HTMLElement {
  return isWebLink(uri)
    ? h('a', { href: uri, rel: 'noopener noreferrer external', class: 'wrap-anywhere' }, uri)
    : h('code', { class: 'wrap-anywhere' }, uri)
}
