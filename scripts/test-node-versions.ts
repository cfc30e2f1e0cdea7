/**
 * Runs the Node.js-versions test subset (test/runtime/node-versions.ts) on
 * each runtime of .ci/node-versions, or on the ones named:
 *
 *   npm run test:node-versions                     # node22, node24 and node26
 *   npm run test:node-versions -- node26           # one of them
 *   npm run test:node-versions -- --concurrency=3  # side by side (default: CPUs - 1)
 *
 * Prints one line per runtime (its version, passed or failed, wall time) and
 * mocha's output for the ones that failed; exits with 1 if one failed or is
 * not installed.
 */

import { NODE_VERSIONS_INSTALL_COMMAND, nodeRuntimes, runSubsets, type NodeRuntime, type SubsetRun } from '../test/runtime/node-versions.js'

const args = process.argv.slice(2)
const concurrency = args.map((arg) => /^--concurrency=(\d+)$/.exec(arg)?.[1]).find((value) => value !== undefined)
const named = args.filter((arg) => !arg.startsWith('--'))
const runtimes = nodeRuntimes().filter((runtime) => named.length === 0 || named.includes(runtime.alias))
if (runtimes.length === 0) {
  process.stderr.write(`No runtime named ${named.join(', ')}: choose among ${nodeRuntimes().map(({ alias }) => alias).join(', ')}\n`)
  process.exit(2)
}
const missing = runtimes.filter((runtime) => !runtime.installed)
if (missing.length > 0) {
  process.stderr.write(`Node.js ${missing.map(({ version }) => version).join(', ')} not installed: run \`${NODE_VERSIONS_INSTALL_COMMAND}\` (Linux x64 only)\n`)
  process.exit(1)
}

async function report (runtime: NodeRuntime, run: SubsetRun): Promise<boolean> {
  const passed = run.exitCode === 0 && run.version === `v${runtime.version}`
  if (!passed) {
    process.stdout.write(run.output)
  }
  process.stdout.write(`${runtime.alias} (${run.version}): ${passed ? 'passed' : 'FAILED'} in ${(run.durationMs / 1000).toFixed(1)} s\n`)
  return passed
}

let failed = false
const runs = runSubsets(runtimes, { concurrency: concurrency === undefined ? undefined : Number(concurrency) })
for (const runtime of runtimes) {
  failed = !(await report(runtime, await (runs.get(runtime.alias) as Promise<SubsetRun>))) || failed
}
process.exitCode = failed ? 1 : 0
