/**
 * How long the one-command demo (`rdisc demo`, `runDemo` of the CLI) takes:
 * a local network (anvil, the registry, two providers, a discv5 bootnode, 5
 * mail servers, 2 push servers), the daemon discovering, verifying and
 * selecting, the conversation fetched from the selected mail server, and
 * everything stopped. Each run starts afresh in this process; the phases are
 * the demo's own timings.
 *
 * Target: done, everything stopped, within 30 s on the project's 2-core
 * machine (the median of the runs).
 *
 * Run: `npm run bench:demo` (3 runs; `BENCH_RUNS` changes it). Prints a
 * table and writes `bench/results/demo.json`.
 */
import '@resource-discovery/core/polyfill'
import { mkdir, writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runDemo } from '../packages/cli/src/demo/index.js'
import { median } from './median.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const TARGET_MS = 30_000
const outputPath = resolve(dirname(fileURLToPath(import.meta.url)), 'results/demo.json')
const PHASES = ['networkUpMs', 'discoveryMs', 'verificationMs', 'selectionMs', 'fetchMs', 'stopMs', 'totalMs'] as const

async function main (): Promise<void> {
  const runs: Array<Record<(typeof PHASES)[number], number> & { complete: boolean, loadAverageAtStart: number }> = []
  for (let run = 0; run < RUNS; run++) {
    const loadAverageAtStart = Math.round((loadavg()[0] ?? 0) * 10) / 10
    const report = await runDemo({ progress: () => {} })
    const { timings } = report
    runs.push({ ...timings, stopMs: timings.stopMs ?? Number.NaN, complete: report.complete, loadAverageAtStart })
    process.stderr.write(`run ${run + 1} of ${RUNS}: ${timings.totalMs} ms (load average ${loadAverageAtStart} at its start)\n`)
  }
  const medians = Object.fromEntries(PHASES.map((phase) => [phase, median(runs.map((run) => run[phase]))])) as Record<(typeof PHASES)[number], number>
  const met = medians.totalMs <= TARGET_MS && runs.every((run) => run.complete)
  const results = { runs, medians, target: { totalMaxMs: TARGET_MS, met }, node: process.version, measuredAt: new Date().toISOString() }
  console.log(`\nrdisc demo, ${RUNS} runs (median, min-max, in ms)\n`)
  console.log('| phase | median | min-max |')
  console.log('| --- | --: | --: |')
  for (const phase of PHASES) {
    const values = runs.map((run) => run[phase])
    console.log(`| ${phase.replace(/Ms$/, '')} | ${Math.round(medians[phase]).toLocaleString('en')} | ${Math.round(Math.min(...values)).toLocaleString('en')}-${Math.round(Math.max(...values)).toLocaleString('en')} |`)
  }
  console.log(`\ntarget: done within ${TARGET_MS / 1000} s: ${met ? 'met' : 'NOT met'}`)
  await mkdir(dirname(outputPath), { recursive: true })
  await writeFile(outputPath, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`\nwrote ${outputPath}`)
}

await main()
