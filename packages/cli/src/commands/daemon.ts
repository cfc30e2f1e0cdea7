import { join } from 'node:path'
import { InvalidConfigurationError } from '@resource-discovery/core'
import { Daemon } from '@resource-discovery/daemon'
import { UsageError } from '../errors.js'
import { loadPluginCatalog } from '../plugins/load-plugin-catalog.js'
import { daemonDataDir } from '../runtime/daemon-data-dir.js'
import { listenFailure } from '../runtime/listen-check.js'
import { waitForAbort } from '../runtime/shutdown-signals.js'
import type { CommandContext } from './command-spec.js'
import { checkSources, clientSettings, discoveryModules } from './client-settings.js'
import { checkSelectors, selectionSetup } from './selection-modules.js'

/**
 * `rdisc daemon`: the daemon of `@resource-discovery/daemon`, watching every
 * kind (or `--kind`s) and serving them over HTTP, with the web page at `/`
 * (unless `--no-web`), until SIGINT/SIGTERM. Prints the API's and the page's
 * URLs once it listens. Its state lives in `<data-dir>/daemon/<chain id>-<registry>`
 * (or `no-registry`), one directory per network: see {@link daemonDataDir}.
 */
export async function runDaemon (context: CommandContext): Promise<void> {
  const { options, output, signal, cwd } = context
  const sources = checkSources(options)
  const catalog = await loadPluginCatalog(options.list('plugins'), cwd)
  const kinds = options.list('kinds').map((name) => catalog.requireKind(name).name)
  const selectorSpecs = checkSelectors(options, catalog)
  const servers = sources.servers.map((server) => {
    if (server.kind === undefined) {
      throw new UsageError(`${options.where('servers')}: say which kind ${server.address.slice(0, 24)}... serves, as KIND=ADDRESS (e.g. mailserver=enr:...)`)
    }
    return { kind: server.kind, address: server.address, nodeId: server.identity.nodeId }
  })
  // the ping host (latency-aware selection, and liveness checks of each kind's selected server)
  // starts while the registry is checked: neither waits for the other
  const selecting = selectionSetup(selectorSpecs, { probe: true, signal })
  selecting.catch(() => {}) // awaited below, or stopped in `finally` if a step before fails
  let daemon: Daemon | undefined
  try {
    if (options.given('rpcUrls')) {
      output.progress(`checking the registry ${options.string('registry') ?? ''} at ${options.list('rpcUrls').join(', ')}`)
    }
    const settings = await clientSettings(options, sources, catalog, output, signal, { tolerateUnreachableRpc: true })
    // one state directory per network (chain id and registry address), so two networks never share trust settings
    const { dir: dataDir, warnings } = await daemonDataDir(join(options.requireString('dataDir'), 'daemon'), {
      ...(settings.registry === undefined ? {} : { registryAddress: settings.registry.registryAddress }),
      ...(settings.chainId === undefined ? {} : { chainId: settings.chainId })
    })
    for (const warning of warnings) {
      output.warn(warning)
    }
    const selection = await selecting
    const latencyIntervalMs = options.number('latencyInterval')
    daemon = newDaemon(options, {
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
      ...(options.boolean('noWeb') ? { web: false as const } : {}),
      allowedHosts: options.list('allowedHosts'),
      ...(latencyIntervalMs === undefined ? {} : { latencyIntervalMs }),
      logger: await context.logger()
    })
    const joining = `joining discv5 through ${settings.bootnodes.length} bootnode${settings.bootnodes.length === 1 ? '' : 's'}`
    output.progress(`starting HTTP on ${options.requireString('host')}:${options.number('httpPort') ?? 0}, ${joining}${settings.registry === undefined ? '' : ', loading the registry index'}`)
    await daemon.start().catch(async (err: unknown) => {
      throw (await listenFailure(options, { protocol: 'tcp', host: options.requireString('host'), hostOption: 'host', portOption: 'httpPort' }, err)) ?? err
    })
    const watched = kinds.length === 0 ? catalog.kinds().map((kind) => kind.name) : kinds
    const web = daemon.webUrl ?? null
    output.result(
      { url: daemon.url, web, port: daemon.port, dataDir, kinds: watched },
      `daemon listening on ${daemon.url} (kinds ${watched.join(', ')}; state in ${dataDir})\n${web === null ? '' : `web page: ${web}\n`}try: curl ${daemon.url}/healthz`
    )
    output.progress('the daemon runs until Ctrl-C (SIGINT) or SIGTERM')
    await waitForAbort(signal)
    output.progress('stopping the daemon')
  } finally {
    await daemon?.stop()
    await selecting.then(async (selection) => { await selection.stop() }, () => {})
  }
}

/** The daemon, its own option errors given back as usage errors that name the flag (`--allowed-host`...). */
function newDaemon (options: CommandContext['options'], init: ConstructorParameters<typeof Daemon>[0]): Daemon {
  try {
    return new Daemon(init)
  } catch (err) {
    if (err instanceof InvalidConfigurationError) {
      const option = FLAG_OPTIONS.find(([prefix]) => err.option === prefix || err.option.startsWith(`${prefix}[`))
      if (option !== undefined) {
        throw options.invalid(option[1], err.message.replace(/^Invalid configuration at [^:]+: /, ''), err)
      }
    }
    throw err
  }
}

/** Daemon options that come from a flag of their own: the daemon's option name, and the CLI option's. */
const FLAG_OPTIONS = [['allowedHosts', 'allowedHosts'], ['latencyIntervalMs', 'latencyInterval']] as const
