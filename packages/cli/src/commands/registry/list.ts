import type { ResourceKind } from '@resource-discovery/core'
import type { ProviderInfo, ResourceRegistryClient } from '@resource-discovery/registry-admin'
import { loadPluginCatalog } from '../../plugins/load-plugin-catalog.js'
import { renderTable } from '../../output/render-table.js'
import type { CommandContext } from '../command-spec.js'
import { withRegistry } from './registry-session.js'

/** Entries asked of the contract per call when paging through providers and resources. */
const PAGE_SIZE = 100

/** A provider with the node ids it registered, by kind name. */
interface ListedProvider extends ProviderInfo {
  readonly resources: Record<string, string[]>
}

async function allPages<T> (total: number, page: (offset: number, limit: number) => Promise<T[]>): Promise<T[]> {
  const all: T[] = []
  for (let offset = 0; offset < total; offset += PAGE_SIZE) {
    const entries = await page(offset, PAGE_SIZE)
    all.push(...entries)
    if (entries.length < PAGE_SIZE) {
      break
    }
  }
  return all
}

async function listProviders (registry: ResourceRegistryClient, kinds: readonly ResourceKind[], signal: AbortSignal): Promise<ListedProvider[]> {
  const count = await registry.providerCount({ signal })
  const providers = await allPages(count, async (offset, limit) => registry.listProviders(offset, limit, { signal }))
  const listed: ListedProvider[] = []
  for (const provider of providers) {
    const resources: Record<string, string[]> = {}
    for (const kind of kinds) {
      const total = await registry.resourceCount(provider.address, kind.kindId, { signal })
      resources[kind.name] = await allPages(total, async (offset, limit) => registry.listResources(provider.address, kind.kindId, offset, limit, { signal }))
    }
    listed.push({ ...provider, resources })
  }
  return listed
}

function renderProviders (registry: string, curator: string, providers: readonly ListedProvider[]): string {
  if (providers.length === 0) {
    return `registry ${registry}, curator ${curator}: no providers yet`
  }
  const table = renderTable([
    { heading: 'PROVIDER', cell: (provider: ListedProvider) => provider.address },
    { heading: 'STATUS', cell: (provider) => provider.status },
    { heading: 'NAME', cell: (provider) => provider.name },
    { heading: 'RESOURCES', cell: (provider) => Object.entries(provider.resources).map(([kind, nodes]) => `${kind} ${nodes.length}`).join(', ') },
    { heading: 'METADATA', cell: (provider) => provider.metadataUri }
  ], providers)
  const rows = providers.flatMap((provider) => Object.entries(provider.resources).flatMap(([kind, nodes]) => nodes.map((nodeId) => ({ provider: provider.address, kind, nodeId }))))
  const resources = rows.length === 0 ? 'no resources registered' : renderTable([
    { heading: 'PROVIDER', cell: (row: { provider: string, kind: string, nodeId: string }) => row.provider },
    { heading: 'KIND', cell: (row) => row.kind },
    { heading: 'NODE ID', cell: (row) => row.nodeId }
  ], rows)
  return `registry ${registry}, curator ${curator}\n\n${table}\n\n${resources}`
}

/** `rdisc registry list`: every provider with its status, name and metadata, and its resources per kind. */
export async function runList (context: CommandContext): Promise<void> {
  const { options, cwd, output, signal } = context
  const catalog = await loadPluginCatalog(options.list('plugins'), cwd)
  const named = options.list('kinds')
  const kinds = named.length === 0 ? catalog.kinds() : named.map((name) => catalog.requireKind(name))
  await withRegistry(context, undefined, async ({ registry }) => {
    const curator = await registry.curator({ signal })
    const providers = await listProviders(registry, kinds, signal)
    output.result(
      { registry: registry.address, curator, kinds: kinds.map((kind) => kind.name), providers },
      () => renderProviders(registry.address, curator, providers)
    )
  })
}
