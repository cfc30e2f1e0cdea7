/** Something {@link h} can put inside an element; `null`, `undefined` and `false` put nothing. */
export type Child = Node | string | number | null | undefined | false | readonly Child[]

/** Attributes by name; `true` sets a boolean attribute, `false`, `null` and `undefined` leave it out. */
export type Attributes = Readonly<Record<string, string | number | boolean | null | undefined>>

/**
 * Builds an element with attributes and children. Text is always set as
 * text, never parsed as HTML, so data from the daemon cannot inject markup.
 *
 * @example
 * ```ts
 * h('p', { class: 'hint' }, 'Paste the ', h('code', {}, 'enr:'), ' record')
 * ```
 */
export function h<K extends keyof HTMLElementTagNameMap> (tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) {
      element.setAttribute(name, '')
    } else if (value !== false && value !== null && value !== undefined) {
      element.setAttribute(name, String(value))
    }
  }
  append(element, children)
  return element
}

/** Appends `children` to `parent`. */
export function append (parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue
    }
    if (Array.isArray(child)) {
      append(parent, child as readonly Child[])
    } else if (typeof child === 'string' || typeof child === 'number') {
      parent.appendChild(document.createTextNode(String(child)))
    } else {
      parent.appendChild(child as Node)
    }
  }
}

/** The element with id `id`, which the page's HTML must have. */
export function byId (id: string): HTMLElement {
  const element = document.getElementById(id)
  if (element === null) {
    throw new Error(`The page has no element #${id}`)
  }
  return element
}
