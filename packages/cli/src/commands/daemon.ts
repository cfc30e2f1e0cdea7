import { join } from 'node:path'
import { Daemon } from '@resource-discovery/daemon'
import { UsageError } from '../errors.js'
import { loadPluginCatalog } from '../plugins/load-plugin-catalog.js'
import { waitForAbort } from '../runtime/shutdown-signals.js'
import type { CommandContext } from './command-spec.js'
import { checkSources, clientSettings, discoveryModules } from './client-settings.js'
import { checkSelectors, selectionSetup } from './selection-modules.js'

/**
 * `rdisc daemon`: the daemon of `@resource-discovery/daemon`, watching every
 * kind (or `--kind`s) and serving them over HTTP until SIGINT/SIGTERM.
 */
export async function runDaemon (context: CommandContext): Promise<void> {
  const { options, output, signal, cwd } = context
  const sources = checkSources(options)
  const catalog = await loadPluginCatalog(options.list('plugins'), cwd)
  const kinds = options.list('kinds').map((name) => catalog.requireKind(name).name)
  const selectorSpecs = checkSelectors(options, catalog)
  const settings = await clientSettings(options, sources, catalog, output, signal, { tolerateUnreachableRpc: true })
  const servers = settings.servers.map((server) => {
    if (server.kind === undefined) {
      throw new UsageError(`${options.where('servers')}: say which kind ${server.address.slice(0, 24)}... serves, as KIND=ADDRESS (e.g. mailserver=enr:...)`)
    }
    return { kind: server.kind, address: server.address, nodeId: server.identity.nodeId }
  })
  const dataDir = join(options.requireString('dataDir'), 'daemon')
  // the ping host: latency-aware selection, and liveness checks of each kind's selected server
  const selection = await selectionSetup(selectorSpecs, { probe: true, signal })
  let daemon: Daemon | undefined
  try {
    daemon = new Daemon({
      dataDir,
      host: options.requireString('host'),
      port: options.number('httpPort'),
      ...(kinds.length === 0 ? {} : { kinds }),
      plugins: catalog.modules(),
      modules: [...discoveryModules(settings), ...selection.modules],
      ...(settings.registry === undefined ? {} : { registry: settings.registry }),
      // the user's own servers: discovered from configuration, and trusted by node id
      servers: servers.map(({ kind, address }) => ({ kind, address })),
      trustedNodeIds: servers.map((server) => server.nodeId),
      logger: await context.logger()
    })
    await daemon.start()
    const watched = kinds.length === 0 ? catalog.kinds().map((kind) => kind.name) : kinds
    output.result(
      { url: daemon.url, port: daemon.port, dataDir, kinds: watched },
      `daemon listening on ${daemon.url} (kinds ${watched.join(', ')}; state in ${dataDir})\ntry: curl ${daemon.url}/healthz`
    )
    output.progress('the daemon runs until Ctrl-C (SIGINT) or SIGTERM')
    await waitForAbort(signal)
    output.progress('stopping the daemon')
  } finally {
    await daemon?.stop()
    await selection.stop()
  }
}
