/**
 * Draws a soak run's series (test/soak/soak.spec.ts) as SVG line charts:
 *
 *   npx tsx scripts/render-soak-svg.ts [RESULTS_JSON] [OUT_DIR]
 *
 * (`npm run soak:render`). Defaults: test/soak/results/soak-stress.json,
 * docs/images. Writes soak-memory.svg (RSS and heap), soak-handles.svg
 * (handles and TCP sockets), soak-lag.svg (event-loop delay p99 per sample
 * interval, with the 50 ms target) and soak-verdicts.svg (the daemon's
 * verdicts and selection changes, the soak's wrong selections), and prints
 * the run's figures against the targets (soak-targets.ts). Hand-written
 * SVG: no dependency.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { DaemonSample } from '../test/soak/soak-daemon-child.js'
import type { SoakResult, SoakSample } from '../test/soak/soak-runner.js'
import { MAX_LAG_P99_MS, reportSoak, WARMUP_MS } from '../test/soak/soak-targets.js'

const WIDTH = 760
const HEIGHT = 300
const MARGIN = { left: 64, right: 150, top: 40, bottom: 44 }
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e']

interface Series {
  readonly name: string
  readonly points: ReadonlyArray<readonly [number, number]>
  readonly dashed?: boolean
}

interface Chart {
  readonly title: string
  readonly yLabel: string
  readonly series: readonly Series[]
  /** Vertical markers: [minute, label]. */
  readonly markers: ReadonlyArray<readonly [number, string]>
  /** A horizontal target line. */
  readonly target?: { readonly y: number, readonly label: string }
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** 1, 2 or 5 times a power of ten, so that about `count` ticks span `max`. */
function niceStep (max: number, count: number): number {
  const raw = max / count
  const power = 10 ** Math.floor(Math.log10(raw))
  const unit = raw / power
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power
}

function renderChart (chart: Chart): string {
  const all = chart.series.flatMap((series) => series.points)
  const xMax = Math.max(1e-9, ...all.map(([x]) => x), ...chart.markers.map(([x]) => x))
  const yMaxData = Math.max(1e-9, ...all.map(([, y]) => y), chart.target?.y ?? 0)
  const yStep = niceStep(yMaxData * 1.05, 5)
  const yMax = Math.ceil((yMaxData * 1.05) / yStep) * yStep
  const xStep = niceStep(xMax, 8)
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom
  const sx = (x: number): number => MARGIN.left + (x / xMax) * plotWidth
  const sy = (y: number): number => MARGIN.top + plotHeight - (y / yMax) * plotHeight
  const parts: string[] = []
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="11">`)
  parts.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`)
  parts.push(`<text x="${MARGIN.left}" y="20" font-size="13" font-weight="bold">${escape(chart.title)}</text>`)
  for (let y = 0; y <= yMax + yStep / 2; y += yStep) {
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${sy(y).toFixed(1)}" y2="${sy(y).toFixed(1)}" stroke="#e5e5e5"/>`)
    parts.push(`<text x="${MARGIN.left - 6}" y="${(sy(y) + 4).toFixed(1)}" text-anchor="end">${Number(y.toPrecision(6))}</text>`)
  }
  for (let x = 0; x <= xMax + xStep / 2; x += xStep) {
    parts.push(`<line x1="${sx(x).toFixed(1)}" x2="${sx(x).toFixed(1)}" y1="${MARGIN.top + plotHeight}" y2="${MARGIN.top + plotHeight + 4}" stroke="#333"/>`)
    parts.push(`<text x="${sx(x).toFixed(1)}" y="${MARGIN.top + plotHeight + 16}" text-anchor="middle">${Number(x.toPrecision(6))}</text>`)
  }
  parts.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#333"/>`)
  parts.push(`<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 8}" text-anchor="middle">minutes since the daemon started</text>`)
  parts.push(`<text transform="translate(14 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escape(chart.yLabel)}</text>`)
  for (const [x, label] of chart.markers) {
    parts.push(`<line x1="${sx(x).toFixed(1)}" x2="${sx(x).toFixed(1)}" y1="${MARGIN.top}" y2="${MARGIN.top + plotHeight}" stroke="#888" stroke-dasharray="4 3"/>`)
    // a label near the right edge goes left of its line, clear of the legend
    const right = sx(x) > MARGIN.left + plotWidth - 90
    parts.push(`<text x="${(sx(x) + (right ? -3 : 3)).toFixed(1)}" y="${MARGIN.top + 12}" fill="#555"${right ? ' text-anchor="end"' : ''}>${escape(label)}</text>`)
  }
  if (chart.target !== undefined) {
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${sy(chart.target.y).toFixed(1)}" y2="${sy(chart.target.y).toFixed(1)}" stroke="#d62728" stroke-dasharray="6 3"/>`)
    parts.push(`<text x="${MARGIN.left + plotWidth - 4}" y="${(sy(chart.target.y) - 4).toFixed(1)}" text-anchor="end" fill="#d62728">${escape(chart.target.label)}</text>`)
  }
  chart.series.forEach((series, index) => {
    const color = COLORS[index % COLORS.length]!
    const path = series.points.map(([x, y], at) => `${at === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')
    parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="1.5"${series.dashed === true ? ' stroke-dasharray="5 3"' : ''}/>`)
    const legendY = MARGIN.top + 14 + index * 16
    parts.push(`<line x1="${WIDTH - MARGIN.right + 10}" x2="${WIDTH - MARGIN.right + 30}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${color}" stroke-width="2"${series.dashed === true ? ' stroke-dasharray="5 3"' : ''}/>`)
    parts.push(`<text x="${WIDTH - MARGIN.right + 34}" y="${legendY}">${escape(series.name)}</text>`)
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}

const [input = 'test/soak/results/soak-stress.json', outDir = 'docs/images'] = process.argv.slice(2)
const result = JSON.parse(await readFile(input, 'utf8')) as SoakResult & { command?: string }
const samples: readonly DaemonSample[] = result.daemonSamples
const origin = samples[0]?.at ?? result.startedAt
const minute = (at: number): number => (at - origin) / 60_000
const line = (name: string, value: (sample: DaemonSample) => number, dashed = false): Series => ({ name, points: samples.map((sample) => [minute(sample.at), value(sample)]), dashed })
const soakLine = (name: string, value: (sample: SoakSample) => number): Series => ({ name, points: result.soakSamples.map((sample) => [minute(sample.at), value(sample)]) })
const churnMinutes = (result.churnEndedAt - result.churnStartedAt) / 60_000
const markers: Array<readonly [number, string]> = [[minute(result.churnStartedAt), 'churn'], [minute(result.churnEndedAt), 'churn stops']]
if (result.churnEndedAt - result.churnStartedAt > WARMUP_MS) {
  markers.push([minute(result.churnStartedAt + WARMUP_MS), 'warm-up ends'])
}
const run = `${churnMinutes.toFixed(0)} min of churn, ${new Date(result.startedAt).toISOString().slice(0, 10)}`
const MiB = 2 ** 20
const charts: Record<string, Chart> = {
  'soak-memory.svg': {
    title: `Daemon memory under churn (${run})`,
    yLabel: 'MiB',
    series: [line('RSS', (s) => s.rssBytes / MiB), line('heap used', (s) => s.heapUsedBytes / MiB), line('heap total', (s) => s.heapTotalBytes / MiB, true)],
    markers
  },
  'soak-handles.svg': {
    title: `Daemon handles under churn (${run})`,
    yLabel: 'count',
    series: [line('active resources', (s) => s.handles), line('TCP sockets', (s) => s.sockets), soakLine('event streams', (s) => s.sseOpen)],
    markers
  },
  'soak-lag.svg': {
    title: `Daemon event-loop delay under churn (${run})`,
    yLabel: 'ms',
    series: [line('p99 per interval', (s) => s.lagP99Ms)],
    markers,
    target: { y: MAX_LAG_P99_MS, label: `target p99 ${MAX_LAG_P99_MS} ms` }
  },
  'soak-verdicts.svg': {
    title: `Verdicts under churn (${run})`,
    yLabel: 'count (cumulative)',
    series: [
      line('verified', (s) => s.verdicts.verified),
      line('rejected', (s) => s.verdicts.rejected),
      line('revoked', (s) => s.verdicts.revoked),
      line('selection changes', (s) => s.selectionChanges),
      soakLine('wrong selections', (s) => s.wrong)
    ],
    markers
  }
}
for (const [name, chart] of Object.entries(charts)) {
  await writeFile(join(outDir, name), renderChart(chart))
  console.log(`wrote ${join(outDir, name)}`)
}
const report = reportSoak(result)
console.log(JSON.stringify({ source: input, command: result.command ?? null, report, counts: result.counts }, null, 1))
