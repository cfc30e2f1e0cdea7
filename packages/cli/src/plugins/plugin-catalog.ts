import { createResourceContainer, ResourceKinds, type ResourceKind } from '@resource-discovery/core'
import type { ResourceServicePlugin } from '@resource-discovery/server'
import type { ContainerModule } from 'inversify'
import { UnknownKindError } from '../errors.js'
import type { RdiscPlugin } from './rdisc-plugin.js'

/** A plugin and where it came from. */
export interface LoadedPlugin {
  /** `built-in <name>`, or the module specifier or path it was loaded from. */
  readonly source: string
  readonly plugin: RdiscPlugin
}

/**
 * The plugins of one `rdisc` run: the built-in ones and those loaded with
 * `--plugin`. Hands their client modules to containers, finds the service
 * plugin of a kind for `serve`, and checks kind names.
 */
export class PluginCatalog {
  readonly #plugins: readonly LoadedPlugin[]
  #kinds: ResourceKind[] | undefined

  constructor (plugins: readonly LoadedPlugin[]) {
    this.#plugins = plugins
  }

  /** Every plugin, built-in ones first. */
  get plugins (): readonly LoadedPlugin[] {
    return this.#plugins
  }

  /** A fresh client `ContainerModule` of every plugin that has one, for `createResourceContainer({ plugins })`. */
  modules (): ContainerModule[] {
    return this.#plugins.flatMap(({ plugin }) => plugin.module === undefined ? [] : [plugin.module()])
  }

  /** The server side of every plugin that has one (the built-in plugins have it when loaded with `servers: true`, see `loadPluginCatalog`). */
  servicePlugins (): ResourceServicePlugin[] {
    return this.#plugins.flatMap(({ plugin }) => plugin.service === undefined ? [] : [plugin.service])
  }

  /**
   * The server side of `kind`.
   *
   * @throws {@link UnknownKindError} (a usage error) naming the kinds that can be served
   */
  servicePlugin (kind: string): ResourceServicePlugin {
    const services = this.servicePlugins()
    const found = services.find((service) => service.kind.name === kind)
    if (found === undefined) {
      throw new UnknownKindError(kind, services.map((service) => service.kind.name), 'server')
    }
    return found
  }

  /** Every kind the plugins contribute, client side (their modules) and server side. */
  kinds (): ResourceKind[] {
    if (this.#kinds === undefined) {
      const container = createResourceContainer({ plugins: this.modules() })
      const kinds = container.get<ResourceKinds>(ResourceKinds).list()
      for (const service of this.servicePlugins()) {
        if (!kinds.some((kind) => kind.name === service.kind.name)) {
          kinds.push(service.kind)
        }
      }
      this.#kinds = kinds
    }
    return this.#kinds
  }

  /**
   * The kind named `name`.
   *
   * @throws {@link UnknownKindError} (a usage error) naming the known kinds
   */
  requireKind (name: string): ResourceKind {
    const kinds = this.kinds()
    const kind = kinds.find((candidate) => candidate.name === name)
    if (kind === undefined) {
      throw new UnknownKindError(name, kinds.map((candidate) => candidate.name))
    }
    return kind
  }
}
