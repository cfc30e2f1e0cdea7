import { injectable, multiInject, optional } from 'inversify'
import { DuplicateResourceKindError, UnknownResourceKindError } from '../errors.js'
import { ResourceKindContribution, type ResourceKind } from './resource-kind.js'
import type { ResourceKinds } from './resource-kinds.js'

/**
 * Collects the {@link ResourceKind}s plugins contribute under
 * {@link ResourceKindContribution}. Core never imports a plugin: it only sees
 * what was bound.
 */
@injectable()
export class ResourceKindRegistry implements ResourceKinds {
  readonly #kinds = new Map<string, ResourceKind>()

  /**
   * @throws {@link DuplicateResourceKindError} if two kinds share a name, topic or kind id
   */
  constructor (@multiInject(ResourceKindContribution) @optional() contributions: readonly ResourceKind[] = []) {
    const topics = new Set<string>()
    const kindIds = new Set<string>()
    for (const kind of contributions) {
      if (this.#kinds.has(kind.name)) {
        throw new DuplicateResourceKindError(kind.name, 'name')
      }
      if (topics.has(kind.topic)) {
        throw new DuplicateResourceKindError(kind.name, 'topic')
      }
      if (kindIds.has(kind.kindId)) {
        throw new DuplicateResourceKindError(kind.name, 'kindId')
      }
      this.#kinds.set(kind.name, kind)
      topics.add(kind.topic)
      kindIds.add(kind.kindId)
    }
  }

  get (name: string): ResourceKind {
    const kind = this.#kinds.get(name)
    if (kind === undefined) {
      throw new UnknownResourceKindError(name, [...this.#kinds.keys()])
    }
    return kind
  }

  has (name: string): boolean {
    return this.#kinds.has(name)
  }

  list (): ResourceKind[] {
    return [...this.#kinds.values()]
  }
}
