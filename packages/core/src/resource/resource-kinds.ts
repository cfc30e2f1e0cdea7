import type { ResourceKind } from './resource-kind.js'

/** The resource kinds the loaded plugins contributed, by name. */
export interface ResourceKinds {
  /**
   * The kind of this name.
   *
   * @throws {@link UnknownResourceKindError} if no plugin contributed it
   */
  get: (name: string) => ResourceKind
  /** Whether a plugin contributed a kind of this name. */
  has: (name: string) => boolean
  /** Every kind, in the order the plugins were loaded. */
  list: () => ResourceKind[]
}

/** DI token of {@link ResourceKinds}. */
export const ResourceKinds = Symbol.for('resource-discovery/ResourceKinds')
