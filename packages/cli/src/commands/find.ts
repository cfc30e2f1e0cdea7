import { createResourceContainer, NoTrustedResourceError, ResourceClient } from '@resource-discovery/core'
import { loadPluginCatalog } from '../plugins/load-plugin-catalog.js'
import { renderFindResult, renderVerdicts, verdictJson } from '../output/render-verdicts.js'
import type { CommandContext } from './command-spec.js'
import { checkSources, clientSettings, discoveryModules, requireSources } from './client-settings.js'
import { checkSelectors, selectionSetup } from './selection-modules.js'

/**
 * `rdisc find <kind>`: one pass of discovery, one batch of verification, one
 * selection; prints every server found with its verdict.
 *
 * @throws NoTrustedResourceError (core) if no server found is trusted, after printing the rejected ones
 */
export async function runFind (context: CommandContext): Promise<void> {
  const { options, output, signal, positionals, cwd } = context
  const sources = checkSources(options)
  const catalog = await loadPluginCatalog(options.list('plugins'), cwd)
  const kind = catalog.requireKind(positionals[0] ?? '').name
  requireSources(sources, 'find')
  const selectorSpecs = checkSelectors(options, catalog)
  const settings = await clientSettings(options, sources, catalog, output, signal)
  const timeoutMs = options.number('timeout')
  const selection = await selectionSetup(selectorSpecs, { signal })
  const container = createResourceContainer({
    plugins: catalog.modules(),
    userServers: settings.servers.filter((server) => server.kind === undefined || server.kind === kind).map((server) => ({ kind, address: server.address })),
    ...(settings.registry === undefined ? {} : { registry: settings.registry }),
    logger: await context.logger(),
    modules: [...discoveryModules(settings, timeoutMs), ...selection.modules]
  })
  const client = container.get<ResourceClient>(ResourceClient)
  await client.start()
  try {
    output.progress(`finding ${kind} servers for up to ${timeoutMs ?? '?'} ms ...`)
    const result = await client.find(kind, { ...(timeoutMs === undefined ? {} : { discoveryTimeoutMs: timeoutMs }), signal })
    output.result({
      kind,
      selected: verdictJson(result.selected),
      verified: result.verified.map(verdictJson),
      rejected: result.rejected.map(verdictJson),
      timings: result.timings,
      error: null
    }, () => renderFindResult(result))
  } catch (err) {
    if (err instanceof NoTrustedResourceError) {
      output.result({
        kind,
        selected: null,
        verified: [],
        rejected: err.verdicts.map(verdictJson),
        timings: null,
        error: { name: err.name, message: err.message }
      }, () => renderVerdicts(err.verdicts))
    }
    throw err
  } finally {
    await client.stop()
    await selection.stop()
  }
}
