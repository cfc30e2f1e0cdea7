import { readFile, writeFile } from 'node:fs/promises'
import { createResourceContainer, NoTrustedResourceError, ResourceClient, type TrustedVerdict } from '@resource-discovery/core'
import {
  buildDnsTree, fromJson, isSignedDnsTree, signDnsTree, toJson, toZoneText,
  type DnsTree, type SignedDnsTree
} from '@resource-discovery/dns-discovery'
import { serveDnsTree } from '@resource-discovery/dns-discovery/node'
import { checkNodeHost } from '../config/check-host.js'
import { requireRoleKey } from '../config/load-key.js'
import type { ResolvedOptions } from '../config/resolve-options.js'
import { UsageError } from '../errors.js'
import { loadPluginCatalog } from '../plugins/load-plugin-catalog.js'
import { listenFailure } from '../runtime/listen-check.js'
import { waitForAbort } from '../runtime/shutdown-signals.js'
import type { CommandContext } from './command-spec.js'
import { checkSources, clientSettings, discoveryModules, requireSources } from './client-settings.js'

/**
 * `rdisc dns-tree build`: an EIP-1459 node list of the ENRs given with
 * `--enr` and, with `--kind`, of every server of the kind that a trusted
 * registry provider vouches for (found through the client options, like
 * `rdisc find`). Unsigned; `--out` holds the version before, whose domain
 * and sequence number it keeps to.
 */
export async function runDnsTreeBuild (context: CommandContext): Promise<void> {
  const { options, output } = context
  const domain = options.requireString('domain')
  const outPath = options.string('treeOut')
  const previous = outPath === undefined ? undefined : await readTreeFile(options, 'treeOut', outPath)
  if (previous !== undefined && previous.domain !== domain) {
    throw options.invalid('domain', `${outPath ?? ''} holds the list of ${previous.domain}, not ${domain}: give another --out for another domain`)
  }
  const enrs = [...options.list('enrs')]
  const kind = options.string('kind')
  let vouched: TrustedVerdict[] = []
  if (kind !== undefined) {
    vouched = await registryVouched(context, kind)
    enrs.push(...vouched.map((verdict) => verdict.resource.enr).filter((enr): enr is string => enr !== undefined))
  }
  if (enrs.length === 0) {
    throw new UsageError('Nothing to publish: give --enr, or --kind with a registry (--rpc-url, --registry, --trust) to publish the servers it vouches for', 'See `rdisc dns-tree build --help`')
  }
  const seq = options.number('seq') ?? (previous === undefined ? 1 : previous.seq + 1)
  const tree = withOptionNames(options, () => buildDnsTree({
    enrs,
    links: options.list('links'),
    seq,
    domain,
    ...(previous === undefined ? {} : { previousSeq: previous.seq })
  }))
  if (previous !== undefined && previous.seq === seq && (previous.enrRoot !== tree.enrRoot || previous.linkRoot !== tree.linkRoot)) {
    throw options.invalid('seq', `${outPath ?? ''} was built with seq ${seq} and other records: clients that hold seq ${seq} would never see the change; give --seq ${seq + 1} or more`)
  }
  const json = toJson(tree)
  if (outPath !== undefined) {
    await writeTreeFile(options, outPath, json)
  }
  const summary = {
    domain,
    seq,
    records: tree.enrs.length,
    links: tree.links.length,
    fromRegistry: vouched.length,
    file: outPath ?? null
  }
  output.result(outPath === undefined ? { ...summary, tree: JSON.parse(json) as unknown } : summary, outPath === undefined
    ? json.trimEnd()
    : [
        `built the list of ${domain}, seq ${seq}: ${tree.enrs.length} node record${tree.enrs.length === 1 ? '' : 's'}${kind === undefined ? '' : ` (${vouched.length} vouched for by the registry as ${kind})`}, ${tree.links.length} link${tree.links.length === 1 ? '' : 's'}`,
        `wrote ${outPath}; sign it with: rdisc dns-tree sign ${outPath} --tree-key-file <key file>`
      ].join('\n'))
}

/**
 * `rdisc dns-tree sign <file>`: signs the list's root with the tree key,
 * writes the signed list back (or to `--out`), and prints its
 * `enrtree://` URL and the zone text to publish.
 */
export async function runDnsTreeSign (context: CommandContext): Promise<void> {
  const { options, output, positionals, env } = context
  const path = positionals[0] ?? ''
  const tree = await readTreeFile(options, undefined, path)
  if (tree === undefined) {
    throw new UsageError(`${path} does not exist`, 'Build the list first: rdisc dns-tree build --domain <name> --out <file> ...')
  }
  const key = await requireRoleKey(options, 'tree', env, (line) => { output.warn(line) })
  const signed = signDnsTree(tree, key.privateKey)
  if (isSignedDnsTree(tree) && tree.url !== signed.url) {
    output.warn(`${path} was signed before with another key (${tree.url}): clients given that URL will refuse this list`)
  }
  const outPath = options.string('treeOut') ?? path
  await writeTreeFile(options, outPath, toJson(signed))
  const zone = toZoneText(signed)
  output.result({ url: signed.url, domain: signed.domain, seq: signed.seq, records: signed.enrs.length, file: outPath, zone }, [
    `signed the list of ${signed.domain}, seq ${signed.seq}, with ${key.source}; wrote ${outPath}`,
    `url  ${signed.url}`,
    '',
    zone.trimEnd()
  ].join('\n'))
}

/**
 * `rdisc dns-tree serve <file>`: answers the signed list over DNS (UDP and
 * TCP) on `--host`:`--port`, until SIGINT/SIGTERM. For tests and small
 * deployments; a public list belongs at a DNS provider (the zone text of
 * `sign`).
 */
export async function runDnsTreeServe (context: CommandContext): Promise<void> {
  const { options, output, positionals, signal } = context
  const path = positionals[0] ?? ''
  const tree = await readTreeFile(options, undefined, path)
  if (tree === undefined) {
    throw new UsageError(`${path} does not exist`, 'Build and sign the list first: rdisc dns-tree build ..., rdisc dns-tree sign ...')
  }
  if (!isSignedDnsTree(tree)) {
    throw new UsageError(`${path} is not signed`, `Sign it first: rdisc dns-tree sign ${path} --tree-key-file <key file>`)
  }
  const host = checkNodeHost(options, 'host')
  const port = options.number('dnsPort') ?? 0
  const server = await serveDnsTree({ trees: [tree], host, port }).catch(async (err: unknown) => {
    throw (await listenFailure(options, { protocol: 'udp', host, hostOption: 'host', portOption: 'dnsPort' }, err)) ?? err
  })
  try {
    const address = `${server.host}:${server.port}`
    output.result({ url: tree.url, domain: tree.domain, seq: tree.seq, records: tree.enrs.length, host: server.host, port: server.port }, [
      `serving the list of ${tree.domain}, seq ${tree.seq} (${tree.enrs.length} node record${tree.enrs.length === 1 ? '' : 's'}), over DNS on udp and tcp ${address}`,
      `url  ${tree.url}`,
      '',
      `export RDISC_DNS_TREES=${tree.url} RDISC_DNS_SERVERS=${address}`
    ].join('\n'))
    output.progress('the DNS server runs until Ctrl-C (SIGINT) or SIGTERM')
    await waitForAbort(signal)
    output.progress('stopping the DNS server')
  } finally {
    await server.close()
  }
}

/** The servers of `kind` a trusted registry provider vouches for, found through the client options and verified. */
async function registryVouched (context: CommandContext, kindName: string): Promise<TrustedVerdict[]> {
  const { options, output, signal, cwd } = context
  const sources = checkSources(options)
  const catalog = await loadPluginCatalog(options.list('plugins'), cwd)
  const kind = catalog.requireKind(kindName).name
  if (!options.given('rpcUrls') || !options.given('registry')) {
    throw options.missing(options.given('rpcUrls') ? 'registry' : 'rpcUrls')
  }
  requireSources(sources, 'dns-tree build')
  const settings = await clientSettings(options, sources, catalog, output, signal)
  const timeoutMs = options.number('timeout')
  const container = createResourceContainer({
    plugins: catalog.modules(),
    ...(settings.registry === undefined ? {} : { registry: settings.registry }),
    logger: await context.logger(),
    modules: discoveryModules(settings, timeoutMs)
  })
  const client = container.get<ResourceClient>(ResourceClient)
  await client.start()
  try {
    output.progress(`finding ${kind} servers for up to ${timeoutMs ?? '?'} ms, to publish those the registry vouches for ...`)
    // the whole pass: every server found is verified, not just enough to select one
    const result = await client.find(kind, { graceMs: Infinity, ...(timeoutMs === undefined ? {} : { discoveryTimeoutMs: timeoutMs }), signal })
    const vouched = result.verified.filter((verdict) => verdict.provider.startsWith('0x'))
    const withoutRecord = vouched.filter((verdict) => verdict.resource.enr === undefined)
    if (withoutRecord.length > 0) {
      output.warn(`${withoutRecord.length} vouched-for server${withoutRecord.length === 1 ? ' was' : 's were'} found without a node record (a bare multiaddr) and cannot be published`)
    }
    return vouched
  } catch (err) {
    if (err instanceof NoTrustedResourceError) {
      return []
    }
    throw err
  } finally {
    await client.stop()
  }
}

/** Reads a list written by `build` or `sign`; `undefined` if there is no such file. */
async function readTreeFile (options: ResolvedOptions, option: string | undefined, path: string): Promise<DnsTree | SignedDnsTree | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    const code = (err as { code?: unknown }).code
    if (code === 'ENOENT') {
      return undefined
    }
    throw fileProblem(options, option, path, `cannot be read (${String(code ?? err)})`, err)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw fileProblem(options, option, path, 'is not JSON: expected a list written by `rdisc dns-tree build`', err)
  }
  try {
    return fromJson(json)
  } catch (err) {
    throw fileProblem(options, option, path, err instanceof Error ? err.message : String(err), err)
  }
}

async function writeTreeFile (options: ResolvedOptions, path: string, json: string): Promise<void> {
  try {
    await writeFile(path, json.endsWith('\n') ? json : `${json}\n`)
  } catch (err) {
    throw fileProblem(options, 'treeOut', path, `cannot be written (${String((err as { code?: unknown }).code ?? err)})`, err)
  }
}

function fileProblem (options: ResolvedOptions, option: string | undefined, path: string, problem: string, cause: unknown): Error {
  return option === undefined ? new UsageError(`${path} ${problem}`, 'Give a list file written by `rdisc dns-tree build`', { cause }) : options.invalid(option, `${path} ${problem}`, cause)
}

/** Runs `build`, naming the command-line option in a configuration error (`enrs[2]` is the third --enr). */
function withOptionNames<T> (options: ResolvedOptions, build: () => T): T {
  try {
    return build()
  } catch (err) {
    const option = (err as { option?: unknown }).option
    if (typeof option === 'string') {
      const name = /^(enrs|links|seq|domain)\b/.exec(option)?.[1]
      if (name !== undefined) {
        throw options.invalid(name, (err as Error).message, err)
      }
    }
    throw err
  }
}
