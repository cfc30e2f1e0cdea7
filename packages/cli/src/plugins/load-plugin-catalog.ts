import { createRequire } from 'node:module'
import { isAbsolute, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { PluginLoadError } from '../errors.js'
import { PluginCatalog, type LoadedPlugin } from './plugin-catalog.js'
import type { RdiscPlugin } from './rdisc-plugin.js'

/** Whether `specifier` names a file rather than a package. */
function isPath (specifier: string): boolean {
  return specifier.startsWith('.') || isAbsolute(specifier) || /\.(?:[cm]?js|[cm]?ts)$/.test(specifier)
}

/** The URL to import `specifier` from: a file relative to `cwd`, or a package resolved from `cwd` first. */
function moduleUrl (specifier: string, cwd: string): string {
  if (isPath(specifier)) {
    return pathToFileURL(resolve(cwd, specifier)).href
  }
  try {
    return pathToFileURL(createRequire(join(cwd, 'package.json')).resolve(specifier)).href
  } catch {
    // not installed where the user is (or import-only exports): resolve it from rdisc's own location
    return specifier
  }
}

function checkPlugin (specifier: string, loaded: unknown): RdiscPlugin {
  const plugin = (loaded as { rdiscPlugin?: unknown }).rdiscPlugin
  if (typeof plugin !== 'object' || plugin === null) {
    throw new PluginLoadError(specifier, 'the module does not export `rdiscPlugin`', true)
  }
  const { module, service } = plugin as { module?: unknown, service?: unknown }
  if (module !== undefined && typeof module !== 'function') {
    throw new PluginLoadError(specifier, '`rdiscPlugin.module` is not a function returning a ContainerModule', true)
  }
  if (service !== undefined) {
    const { kind, createService } = service as { kind?: { name?: unknown }, createService?: unknown }
    if (typeof kind?.name !== 'string' || typeof createService !== 'function') {
      throw new PluginLoadError(specifier, '`rdiscPlugin.service` is not a ResourceServicePlugin (kind, description, options, createService)', true)
    }
  }
  if (module === undefined && service === undefined) {
    throw new PluginLoadError(specifier, '`rdiscPlugin` has neither `module` nor `service`', true)
  }
  return plugin
}

/** Options of {@link loadPluginCatalog}. */
export interface LoadPluginCatalogOptions {
  /**
   * Whether the built-in plugins come with their server side (`serve`
   * needs it). Default `false`: the client side only, so a client command
   * does not load libp2p's server stack. Plugins named by `--plugin` come
   * as their modules export them either way.
   */
  readonly servers?: boolean
}

/**
 * The built-in plugins (mailserver, push) and those named by `specifiers`:
 * package names (resolved from `cwd`, then from rdisc's own dependencies)
 * or paths of `.js`/`.ts` files (relative to `cwd`).
 *
 * @throws {@link PluginLoadError} (a usage error) if a module cannot be loaded or exports no valid `rdiscPlugin`
 */
export async function loadPluginCatalog (specifiers: readonly string[], cwd: string = process.cwd(), { servers = false }: LoadPluginCatalogOptions = {}): Promise<PluginCatalog> {
  // loaded here, not at the top: the plugin packages bring libp2p, and a command can fail on its arguments first
  const { BUILTIN_PLUGINS, loadBuiltinServices } = await import('./builtin-plugins.js')
  const builtins = servers ? await loadBuiltinServices() : BUILTIN_PLUGINS
  const plugins: LoadedPlugin[] = [...builtins].map(([name, plugin]) => ({ source: `built-in ${name}`, plugin }))
  for (const specifier of specifiers) {
    let loaded: unknown
    try {
      loaded = await import(moduleUrl(specifier, cwd))
    } catch (err) {
      const code = (err as { code?: unknown }).code
      const problem = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
        ? `cannot be found${isPath(specifier) ? ` at ${resolve(cwd, specifier)}` : ' (install it, or give a path)'}`
        : `failed to load (${err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err)})`
      throw new PluginLoadError(specifier, problem, false, { cause: err })
    }
    plugins.push({ source: specifier, plugin: checkPlugin(specifier, loaded) })
  }
  return new PluginCatalog(plugins)
}
