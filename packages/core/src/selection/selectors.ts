import { inject, injectable, multiInject, optional } from 'inversify'
import { InvalidConfigurationError } from '../errors.js'
import { KindSelector, Selector } from './selector.js'

/**
 * Which selector serves each kind: the one bound for the kind under
 * {@link KindSelector}, else the default {@link Selector}.
 */
@injectable()
export class Selectors {
  readonly #default: Selector
  readonly #byKind = new Map<string, Selector>()

  /**
   * @throws {@link InvalidConfigurationError} if two selectors are bound for one kind
   */
  constructor (
  @inject(Selector) defaultSelector: Selector,
    @multiInject(KindSelector) @optional() kindSelectors: readonly KindSelector[] = []
  ) {
    this.#default = defaultSelector
    for (const { kind, selector } of kindSelectors) {
      if (this.#byKind.has(kind)) {
        throw new InvalidConfigurationError(`KindSelector(${kind})`, 'two selectors are bound for this kind; bind one')
      }
      this.#byKind.set(kind, selector)
    }
  }

  /** The selector for `kind`. */
  forKind (kind: string): Selector {
    return this.#byKind.get(kind) ?? this.#default
  }
}
