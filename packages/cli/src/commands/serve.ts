import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { InvalidConfigurationError, type Startable } from '@resource-discovery/core'
import { wakuServerExtension } from '@resource-discovery/plugin-waku/server'
import { ResourceServer, ServerStartError, type ResourceServicePlugin } from '@resource-discovery/server'
import { computeAddress, hexlify } from 'ethers'
import { checkNodeHost } from '../config/check-host.js'
import { checkEnr } from '../config/check-values.js'
import type { ResolvedOptions } from '../config/resolve-options.js'
import { InvalidOptionValueError } from '../errors.js'
import { loadPluginCatalog } from '../plugins/load-plugin-catalog.js'
import { discv5SettingsFor } from '../runtime/node-network-profile.js'
import { listenFailure } from '../runtime/listen-check.js'
import { nodeKeyOrFresh } from '../runtime/node-key.js'
import { waitForAbort } from '../runtime/shutdown-signals.js'
import type { CommandContext } from './command-spec.js'

/** Builds the kind's service; an option the plugin refuses is a usage error naming `--option <name>`. */
async function createService (plugin: ResourceServicePlugin, context: Parameters<ResourceServicePlugin['createService']>[0]): Promise<Startable> {
  try {
    return await plugin.createService(context)
  } catch (err) {
    if (err instanceof InvalidConfigurationError && err.option.startsWith('options.')) {
      throw new InvalidOptionValueError(`--option ${err.option.slice('options.'.length)}`, err.shortMessage.replace(/^Invalid configuration at \S+: /, ''), { cause: err })
    }
    throw err
  }
}

/** A server that could not bind: the error naming `--tcp-port`, `--udp-port` or `--host`, else the server's own. */
async function serverListenFailure (options: CommandContext['options'], host: string, err: InstanceType<typeof ServerStartError>): Promise<Error> {
  const protocol = err.address.startsWith('udp') ? 'udp' : 'tcp'
  const failure = await listenFailure(options, { protocol, host, hostOption: 'host', portOption: protocol === 'udp' ? 'udpPort' : 'tcpPort' }, err)
  return failure ?? err
}

/** The kind whose service can also be a Waku store node (its `wakuPubsubTopic` option). */
const WAKU_STORE_SERVICE_KIND = 'mailserver'

/** `--waku-cluster` and `--waku-shard`, checked: `undefined` unless the server is to be a Waku store node too. */
function wakuStoreSettings (options: ResolvedOptions, kind: string): { cluster: number, shard: number, pubsubTopic: string } | undefined {
  const cluster = options.number('wakuCluster')
  if (cluster === undefined) {
    if (options.given('wakuShard')) {
      throw options.missing('wakuCluster')
    }
    return undefined
  }
  if (kind !== WAKU_STORE_SERVICE_KIND) {
    throw options.invalid('wakuCluster', `only the ${WAKU_STORE_SERVICE_KIND} service is a Waku store node, not ${kind}`)
  }
  const shard = options.number('wakuShard')
  if (shard === undefined) {
    throw options.missing('wakuShard')
  }
  return { cluster, shard, pubsubTopic: `/waku/2/rs/${cluster}/${shard}` }
}

/**
 * `rdisc serve <kind>`: a resource server of the kind with the plugin's
 * service, advertised on discv5, serving until SIGINT/SIGTERM. With
 * `--waku-cluster` (mail servers), also a Waku store node.
 */
export async function runServe (context: CommandContext): Promise<void> {
  const { options, output, signal, positionals, cwd } = context
  const catalog = await loadPluginCatalog(options.list('plugins'), cwd, { servers: true })
  const plugin = catalog.servicePlugin(positionals[0] ?? '')
  const host = checkNodeHost(options, 'host')
  const bootnodes = options.list('bootnodes').map((enr) => checkEnr(options.where('bootnodes'), enr).enr)
  const key = await nodeKeyOrFresh(context, 'server')
  const dataDir = join(options.requireString('dataDir'), 'serve', `${plugin.kind.name}-${key.nodeId.slice(0, 16)}`)
  await mkdir(dataDir, { recursive: true })
  const logger = await context.logger()
  const waku = wakuStoreSettings(options, plugin.kind.name)
  const serviceOptions = options.map('serviceOptions', plugin.kind.name)
  if (waku !== undefined) {
    if (serviceOptions.wakuPubsubTopic !== undefined && serviceOptions.wakuPubsubTopic !== waku.pubsubTopic) {
      throw new InvalidOptionValueError('--option wakuPubsubTopic', `${serviceOptions.wakuPubsubTopic} is not the pubsub topic of --waku-cluster and --waku-shard (${waku.pubsubTopic}); leave it out`)
    }
    serviceOptions.wakuPubsubTopic = waku.pubsubTopic
  }
  // js-waku dials WebSockets: a Waku store node listens on them, on a free port unless told
  const webSocketPort = options.number('webSocketPort') ?? (waku === undefined ? undefined : 0)
  const server = new ResourceServer({
    privateKey: key.privateKey,
    host,
    tcpPort: options.number('tcpPort'),
    udpPort: options.number('udpPort'),
    ...(webSocketPort === undefined ? {} : { webSocketPort }),
    ...(waku === undefined ? {} : { extensions: [wakuServerExtension({ cluster: waku.cluster, shards: [waku.shard], services: ['store'] })] }),
    kinds: [plugin.kind],
    bootnodes,
    discv5: discv5SettingsFor(host),
    logger
  })
  const service = await createService(plugin, { server, privateKey: key.privateKey, dataDir, logger, options: serviceOptions })
  try {
    output.progress(`starting the ${plugin.kind.name} service (data in ${dataDir})`)
    await service.start()
    output.progress(`starting libp2p on tcp ${host}:${options.number('tcpPort') ?? 0} and discv5 on udp ${host}:${options.number('udpPort') ?? 0}, joining through ${bootnodes.length} bootnode${bootnodes.length === 1 ? '' : 's'}`)
    await server.start().catch(async (err: unknown) => {
      throw err instanceof ServerStartError ? await serverListenFailure(options, host, err) : err
    })
    const address = computeAddress(hexlify(key.privateKey))
    output.result(
      {
        kind: plugin.kind.name, enr: server.enr, nodeId: server.nodeId, peerId: server.peerId, address, multiaddrs: server.multiaddrs,
        tcpPort: server.tcpPort, udpPort: server.udpPort, webSocketPort: server.webSocketPort ?? null, wakuPubsubTopic: waku?.pubsubTopic ?? null, dataDir
      },
      [
        `serving ${plugin.kind.name}${waku === undefined ? '' : `, and as a Waku store node of ${waku.pubsubTopic}`}`,
        `node id    ${server.nodeId}`,
        `peer id    ${server.peerId}`,
        `address    ${address}`,
        ...server.multiaddrs.map((multiaddr) => `multiaddr  ${multiaddr}`),
        `enr        ${server.enr}`,
        `data dir   ${dataDir}`
      ].join('\n')
    )
    output.progress(`the ${plugin.kind.name} service runs until Ctrl-C (SIGINT) or SIGTERM`)
    await waitForAbort(signal)
    output.progress(`stopping the ${plugin.kind.name} service`)
  } finally {
    await server.stop()
    await service.stop()
  }
}
