import { Discv5Node } from '@resource-discovery/discv5'
import { checkNodeHost } from '../config/check-host.js'
import { checkEnr } from '../config/check-values.js'
import { discv5SettingsFor } from '../runtime/node-network-profile.js'
import { listenFailure } from '../runtime/listen-check.js'
import { nodeKeyOrFresh } from '../runtime/node-key.js'
import { waitForAbort } from '../runtime/shutdown-signals.js'
import type { CommandContext } from './command-spec.js'

/** `rdisc bootnode`: a discv5 node others join the network through, serving until SIGINT/SIGTERM. */
export async function runBootnode (context: CommandContext): Promise<void> {
  const { options, output, signal } = context
  const host = checkNodeHost(options, 'host', true)
  const announceHost = options.given('announceHost') ? checkNodeHost(options, 'announceHost') : undefined
  if (host === '0.0.0.0' && announceHost === undefined) {
    output.warn('bound to 0.0.0.0 without --announce-host: the ENR carries no address until a peer tells the node its own')
  }
  const bootnodes = options.list('bootnodes').map((enr) => checkEnr(options.where('bootnodes'), enr).enr)
  const key = await nodeKeyOrFresh(context, 'bootnode')
  const node = new Discv5Node({
    ...discv5SettingsFor(announceHost ?? host),
    privateKey: key.privateKey,
    bindHost: host,
    udpPort: options.number('udpPort'),
    ...(announceHost === undefined ? {} : { announceHost }),
    bootnodes,
    logger: await context.logger()
  })
  output.progress(`starting discv5 on udp ${host}:${options.number('udpPort') ?? 0}${bootnodes.length === 0 ? '' : `, joining through ${bootnodes.length} bootnode${bootnodes.length === 1 ? '' : 's'}`}`)
  await node.start().catch(async (err: unknown) => {
    throw (await listenFailure(options, { protocol: 'udp', host, hostOption: 'host', portOption: 'udpPort' }, err)) ?? err
  })
  try {
    const record = node.record
    output.result(
      { enr: node.enr, nodeId: node.nodeId, peerId: record.peerId, ip: record.ip ?? null, udpPort: node.udpPort },
      [
        `bootnode ${node.nodeId} on udp ${host}:${node.udpPort ?? '?'}`,
        `enr      ${node.enr}`,
        '',
        `export RDISC_BOOTNODES=${node.enr}`
      ].join('\n')
    )
    output.progress('the bootnode runs until Ctrl-C (SIGINT) or SIGTERM')
    await waitForAbort(signal)
    output.progress('stopping the bootnode')
  } finally {
    await node.stop()
  }
}
