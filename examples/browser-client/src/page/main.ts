/**
 * The page: reads `config.json`, gives its server records to core's static
 * discoverer (`servers` of `createResourceContainer`), verifies them against
 * the on-chain registry (the {@link RegistryVerifier} reading the chain with
 * `fetch` JSON-RPC, straight from the browser), selects one with the default
 * random selector, and shows every verdict and the selection.
 *
 * What the page shows carries data attributes for programs (and the test):
 * each server row `data-node-id`, `data-status` (`verified` or `rejected`),
 * `data-rejection` (the rejection code) and `data-selected`; `#status`
 * `data-state` (`verifying`, `done` or `error`).
 */
import {
  createResourceContainer, decodeEnr, defineResourceKind, NoTrustedResourceError, ResourceClient, ResourceKindContribution,
  type Verdict
} from '@resource-discovery/core'
import { ContainerModule } from 'inversify'
import { PAGE_CONFIG_FILE, type PageConfig } from '../page-config.js'

/** How long `find()` gathers the configured servers: the static discoverer yields them at once. */
const DISCOVERY_TIMEOUT_MS = 2_000

/** An element of the page by id. */
function element (id: string): HTMLElement {
  const found = document.getElementById(id)
  if (found === null) {
    throw new Error(`the page has no #${id}`)
  }
  return found
}

/** A new element with text. */
function textElement (tag: string, text: string): HTMLElement {
  const created = document.createElement(tag)
  created.textContent = text
  return created
}

function setStatus (state: 'verifying' | 'done' | 'error', text: string): void {
  const status = element('status')
  status.dataset.state = state
  status.textContent = text
}

/** One table row per verdict, the selected one marked. */
function showVerdicts (verdicts: readonly Verdict[], labels: ReadonlyMap<string, string>, selectedNodeId: string | undefined): void {
  const rows = element('servers')
  rows.replaceChildren(...verdicts.map((verdict) => {
    const { nodeId } = verdict.resource
    const row = document.createElement('tr')
    row.dataset.nodeId = nodeId
    row.dataset.status = verdict.trusted ? 'verified' : 'rejected'
    row.dataset.selected = String(nodeId === selectedNodeId)
    const reason = textElement('td', verdict.reason)
    if (verdict.rejection !== undefined) {
      reason.dataset.rejection = verdict.rejection.code
    }
    row.append(
      textElement('td', labels.get(nodeId) ?? '?'),
      textElement('td', `${nodeId.slice(0, 16)}…`),
      textElement('td', verdict.trusted ? 'verified' : 'rejected'),
      reason,
      textElement('td', nodeId === selectedNodeId ? 'selected' : '')
    )
    return row
  }))
}

async function run (): Promise<void> {
  setStatus('verifying', 'reading the registry…')
  const response = await fetch(PAGE_CONFIG_FILE)
  if (!response.ok) {
    throw new Error(`${PAGE_CONFIG_FILE}: HTTP ${response.status}`)
  }
  const config = await response.json() as PageConfig
  element('chain').textContent = `${config.rpcUrl}, registry ${config.registryAddress}, trusted provider ${config.defaultProvider}`
  const kind = defineResourceKind({ name: config.kind })
  const labels = new Map(config.servers.map((server) => [decodeEnr(server.address).nodeId, server.label]))
  const container = createResourceContainer({
    plugins: [new ContainerModule(({ bind }) => { bind(ResourceKindContribution).toConstantValue(kind) })],
    servers: config.servers.map((server) => ({ kind: kind.name, address: server.address })),
    registry: { rpcUrl: config.rpcUrl, registryAddress: config.registryAddress, defaultProvider: config.defaultProvider },
    client: { discoveryTimeoutMs: DISCOVERY_TIMEOUT_MS }
  })
  const client = container.get(ResourceClient)
  const startedAt = performance.now()
  // start() does not wait for the chain: the registry's index loads in the background, and until it has,
  // find() asks the contract's batch view (one eth_call), which answers only for the trusted providers
  await client.start()
  const startMs = performance.now() - startedAt
  try {
    const found = await client.find(kind.name)
    const findMs = performance.now() - startedAt - startMs
    const selectedNodeId = found.selected.resource.nodeId
    showVerdicts([...found.verified, ...found.rejected], labels, selectedNodeId)
    element('selection').dataset.nodeId = selectedNodeId
    element('selection').textContent = `${labels.get(selectedNodeId) ?? selectedNodeId}, vouched for by ${found.selected.provider}`
    setStatus('done', `${found.verified.length} verified, ${found.rejected.length} rejected; started in ${Math.round(startMs)} ms, verified and selected in ${Math.round(findMs)} ms`)
  } catch (err) {
    if (!(err instanceof NoTrustedResourceError)) {
      throw err
    }
    showVerdicts(err.verdicts, labels, undefined)
    element('selection').textContent = 'none: no server is verified'
    setStatus('done', `0 verified, ${err.verdicts.length} rejected`)
  } finally {
    await client.stop()
  }
}

run().catch((err: unknown) => {
  setStatus('error', err instanceof Error ? `${err.name}: ${err.message}` : String(err))
})
