import type { DemoReport } from './demo-report.js'

/** Characters of a node id shown in tables: enough to tell the demo's servers apart. */
const SHORT_NODE_ID_CHARS = 8

/** A duration for people: milliseconds below a second, else seconds with one decimal. */
export function formatDuration (ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`
}

/** Lines of `rows` with every column padded to its widest cell (the last column is not padded). */
export function alignColumns (rows: ReadonlyArray<readonly string[]>, indent = '  ', gap = '  '): string[] {
  const widths: number[] = []
  for (const row of rows) {
    row.forEach((cell, index) => { widths[index] = Math.max(widths[index] ?? 0, cell.length) })
  }
  return rows.map((row) => indent + row.map((cell, index) => index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0)).join(gap).trimEnd())
}

function isoMinute (timestamp: number): string {
  return new Date(timestamp).toISOString().replace('T', ' ').slice(0, 19)
}

/**
 * The demo's report as plain text for a terminal: every server with its
 * verdict and reason, the selection of each kind, the messages fetched and
 * the timings of each phase, in aligned columns.
 */
export function renderDemoReport (report: DemoReport): string {
  const verified = report.servers.filter((server) => server.verdict === 'verified').length
  const rejected = report.servers.filter((server) => server.verdict === 'rejected').length
  const found = verified + rejected
  const lines: string[] = []
  lines.push(`Servers: ${found} of ${report.servers.length} found, ${verified} verified, ${rejected} rejected (trusted provider: ${report.network.providers.filter((provider) => provider.trusted).map((provider) => provider.label).join(', ')})`)
  lines.push('')
  lines.push(...alignColumns([
    ['', 'server', 'kind', 'node id', 'registered by', 'verdict', 'found', 'reason'],
    ...report.servers.map((server) => [
      server.selected ? '*' : '',
      server.label,
      server.kind,
      server.nodeId.slice(0, SHORT_NODE_ID_CHARS),
      server.registeredBy.length === 0 ? '-' : server.registeredBy.join(', '),
      server.verdict,
      server.discoveredAfterMs === undefined ? '-' : formatDuration(server.discoveredAfterMs),
      server.reason
    ])
  ], ''))
  lines.push('  (* selected; found: after the daemon started)')
  if (!report.complete) {
    lines.push('', `  Not every server was discovered and judged in time: ${report.servers.filter((server) => server.verdict === 'not found').map((server) => server.label).join(', ')} missing.`)
  }

  lines.push('', 'Selected (GET /v1/kinds/:kind/selection):', '')
  lines.push(...(report.selections.length === 0
    ? ['  none: no trusted server']
    : alignColumns(report.selections.map((selection) => [
      selection.kind,
      selection.label,
      selection.nodeId.slice(0, SHORT_NODE_ID_CHARS),
      `vouched for by ${selection.provider}`,
      selection.multiaddr
    ]))))

  lines.push('', report.messagesFrom === undefined
    ? 'Messages: none fetched (no mail server was selected)'
    : `Messages fetched from ${report.messagesFrom} over the encrypted history protocol (${report.messages.length}):`)
  if (report.messages.length > 0) {
    lines.push('', ...alignColumns(report.messages.map((message) => [isoMinute(message.timestamp), message.text])))
  }

  const { timings } = report
  lines.push('', 'Timings:', '')
  lines.push(...alignColumns([
    ['network up', formatDuration(timings.networkUpMs), 'anvil, registry, providers, bootnode, servers; messages stored'],
    ['discovery', formatDuration(timings.discoveryMs), 'daemon started until every server was discovered on discv5'],
    ['verification', formatDuration(timings.verificationMs), 'last discovery until every server had a verdict'],
    ['selection', formatDuration(timings.selectionMs), 'the selection of each kind asked over HTTP'],
    ['fetch', formatDuration(timings.fetchMs), 'connect to the selected mail server, fetch its history'],
    ...(timings.stopMs === undefined ? [] : [['stop', formatDuration(timings.stopMs), 'daemon, servers, bootnode, anvil']]),
    ['total', formatDuration(timings.totalMs), timings.stopMs === undefined ? 'so far' : '']
  ]))
  return lines.join('\n')
}
