/**
 * Runs the "checked by disabling the protection" claims of docs/SECURITY.md:
 * each mutation below removes one protection, and the spec files named with
 * it must then fail, in the tests named with it.
 *
 *   npm run mutations                      # every mutation
 *   npm run mutations -- replay-guard ...  # the ones named
 *   npm run mutations -- --list            # the table, nothing run
 *   npm run mutations -- --stress ...      # the specs at their stress size (RDISC_STRESS=1)
 *   npm run mutations -- --keep ...        # keep the temporary copy, to look into a run
 *
 * The working tree is never modified. The repository is copied to a
 * temporary directory (without `.git` and `node_modules`; each
 * `node_modules` is rebuilt there from links to the original's entries, the
 * workspace links pointing into the copy), one mutation at a time is
 * applied to the copy, the named spec files run there with mocha, and the
 * mutated file is put back before the next one. The copy is removed at the
 * end, on an error and on Ctrl-C or SIGTERM.
 *
 * A mutation is **killed** when every test it names failed, **survived**
 * when one of them passed (the claim is wrong), and **stale** when its text
 * is no longer in the file exactly once (the table needs updating). Prints
 * a table and writes `scripts/results/mutations.json` (`mutations-stress.json`
 * under `--stress`), with the figures the specs print under
 * `RDISC_FIGURES=1` (e.g. the Sybil flood's with the registrar's protection
 * removed); exits with 1 unless every mutation run was killed.
 */
import { spawn } from 'node:child_process'
import { cp, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** One text replacement; `find` must occur exactly once in the file. */
interface Edit {
  readonly find: string
  readonly replace: string
}

/** One protection removed, and what must then fail. */
interface Mutation {
  /** Short name, for the command line and the table. */
  readonly id: string
  /** The protection, as docs/SECURITY.md names it. */
  readonly protection: string
  /** The file changed, relative to the repository root. */
  readonly file: string
  readonly edits: readonly Edit[]
  /** Spec files run against the mutated copy. */
  readonly specs: readonly string[]
  /** Parts of the full titles of the tests that must fail (each must match a failed test). */
  readonly mustFail: readonly string[]
}

/** Longest one mutation's spec run may take before it is stopped (counted as killed only if the named tests failed by then). */
const RUN_TIMEOUT_MS = 10 * 60_000
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

const IMPERSONATION = 'test/security/impersonation.spec.ts'
const CHAIN_FAULTS = 'test/security/chain-faults.spec.ts'
const ENCRYPTED = 'test/security/encrypted-requests.spec.ts'
const SYBIL = 'test/security/sybil-flood.spec.ts'
const SERVER_FAULTS = 'test/security/server-faults.spec.ts'
const DAEMON_CRASH = 'test/security/daemon-crash.spec.ts'

const MUTATIONS: readonly Mutation[] = [
  {
    id: 'enr-signature',
    protection: '`decodeEnr` checks the record\'s signature',
    file: 'packages/core/src/identity/decode-enr.ts',
    edits: [
      { find: 'import { ENR, id as identityScheme,', replace: 'import { getV4Crypto, setV4Crypto, ENR, id as identityScheme,' },
      // around the decode itself: @chainsafe/discv5 installs its own ENR crypto when it is imported
      { find: '    return ENR.decodeTxt(text)\n', replace: '    const crypto = getV4Crypto()\n    setV4Crypto({ ...crypto, verify: () => true })\n    try { return ENR.decodeTxt(text) } finally { setV4Crypto(crypto) }\n' }
    ],
    specs: [IMPERSONATION],
    mustFail: ['breaks the signature: InvalidEnrSignatureError', 'public key in the secp256k1 field, signed by the attacker']
  },
  {
    id: 'client-host-peer-id',
    protection: '`ClientHost` dials with the verified peer id and compares the remote peer',
    file: 'packages/client-host/src/client/client-host.ts',
    edits: [
      { find: '    const address = multiaddr(text)\n', replace: '    return multiaddr(text).decapsulateCode(P2P_CODE)\n    const address = multiaddr(text)\n' },
      { find: 'if (remotePeerId !== resource.peerId) {', replace: 'if (remotePeerId !== remotePeerId) {' }
    ],
    specs: [IMPERSONATION],
    mustFail: [
      'serving at the ENR\'s own address (the node went away) is refused',
      'the connection is refused before any request',
      'the client skips it and reaches the genuine node'
    ]
  },
  {
    id: 'registry-sync-reorg',
    protection: 'the reorganisation check of `RegistrySync`',
    file: 'packages/core/src/registry-verification/registry-sync.ts',
    edits: [{ find: '!await this.#isCanonical(this.#synced, [head, confirmed], options)', replace: 'false' }],
    specs: [CHAIN_FAULTS],
    mustFail: ['onto a longer chain', 'at the same height', 'onto a shorter chain', 'deeper than them', 'landing while eth_getLogs is answered']
  },
  {
    id: 'verifier-max-index-age',
    protection: 'the age check of `RegistryVerifier` (`#isFresh` and `maxIndexAgeMs`)',
    file: 'packages/core/src/registry-verification/registry-verifier.ts',
    edits: [{ find: 'return this.#lastSyncAt !== undefined && Date.now() - this.#lastSyncAt <= this.#maxIndexAgeMs', replace: 'return this.#lastSyncAt !== undefined' }],
    specs: [CHAIN_FAULTS],
    mustFail: ['RPC failing (drop)', 'RPC failing (error)', 'RPC failing (http-error)', 'a sync broken half-way (eth_getLogs drop)', 'a sync broken half-way (eth_getLogs error)']
  },
  {
    id: 'replay-guard',
    protection: 'the replay check of `ReplayGuard.accept`',
    file: 'packages/encrypted-request/src/replay/replay-guard.ts',
    edits: [{ find: 'if (this.#expiries.has(key)) throw new ReplayedRequestError()', replace: '' }],
    specs: [ENCRYPTED],
    mustFail: ['a replayed envelope is refused with ReplayedRequestError', 'a replayed request gets ReplayedRequest']
  },
  {
    id: 'envelope-minimum-size',
    protection: 'the minimum-size check of `openRequest`',
    file: 'packages/encrypted-request/src/request/encrypted-request.ts',
    edits: [{ find: 'if (envelope.length < MIN_ENVELOPE_BYTES) {', replace: 'if (envelope.length < 0) {' }],
    specs: [ENCRYPTED],
    mustFail: ['any truncation', 'truncated requests get Malformed']
  },
  {
    id: 'registrar-renewal-hold',
    protection: 'the registrar keeps an ad while its renewal waits on a ticket (`TopicRegistrar.register`)',
    file: 'packages/discv5/src/topic/topic-registrar.ts',
    edits: [{ find: 'if (existing !== undefined && !existing.held) {', replace: 'if (existing !== undefined && existing === undefined) {' }],
    // the flood test asserts no time (bench/sybil-flood.ts's target); it runs for the figures it records without the fix
    specs: ['packages/discv5/test/topic/topic-registrar.spec.ts', SYBIL],
    mustFail: ['an ad whose renewal has to wait stays held, with its standing']
  },
  {
    id: 'client-reverify-on-change',
    protection: 'a client verifies its watches again as soon as the verifier reports a registry change',
    file: 'packages/core/src/client/resource-client.ts',
    edits: [{ find: '((change) => { this.#onVerifierChange(change) })', replace: '((change) => { void change })' }],
    specs: ['packages/daemon/test/registry-trust.spec.ts'],
    mustFail: ['leaves /resources and the selection on the registry\'s change']
  },
  {
    id: 'failover-connection-failed',
    protection: '`ConnectionFailedError` is retryable (its `static retryable`)',
    file: 'packages/client-host/src/errors.ts',
    edits: [{ find: '  static override readonly name = \'ConnectionFailedError\'\n  static override readonly retryable = true\n', replace: '  static override readonly name = \'ConnectionFailedError\'\n  static override readonly retryable = false\n' }],
    specs: [SERVER_FAULTS],
    mustFail: ['SIGKILLed mid-request', 'stopped while its handler holds the request']
  },
  {
    id: 'request-timeout',
    protection: 'the request timeout of `ResourceConnection.request`',
    file: 'packages/client-host/src/client/resource-connection.ts',
    edits: [{ find: 'const { signal, clear } = combineSignals([options.signal], timeoutMs)', replace: 'const { signal, clear } = combineSignals([options.signal])' }],
    specs: [SERVER_FAULTS],
    mustFail: ['accepts and never answers', 'slow server answering after the timeout', 'every server failing']
  },
  {
    id: 'failover-stream-closed',
    protection: '`StreamClosedError` is retryable (its `static retryable`)',
    file: 'packages/client-host/src/errors.ts',
    edits: [{ find: '  static override readonly name = \'StreamClosedError\'\n  static override readonly retryable = true\n', replace: '  static override readonly name = \'StreamClosedError\'\n  static override readonly retryable = false\n' }],
    specs: [SERVER_FAULTS],
    mustFail: ['refuses the stream']
  },
  {
    id: 'stream-negotiation',
    protection: 'a stream reset while its protocol is negotiated becomes `StreamClosedError`',
    file: 'packages/client-host/src/client/resource-connection.ts',
    edits: [{ find: 'if (STREAM_CLOSED_ERROR_NAMES.has(name)) {', replace: 'if (STREAM_CLOSED_ERROR_NAMES.has(name) && name === \'\') {' }],
    specs: [SERVER_FAULTS],
    mustFail: ['a burst of']
  },
  {
    id: 'state-write-atomic',
    protection: '`StateStore` writes through `writeFileAtomic`',
    file: 'packages/daemon/src/state/state-store.ts',
    edits: [{ find: 'await writeFileAtomic(this.path, text)', replace: 'await (await import(\'node:fs/promises\')).writeFile(this.path, text)' }],
    specs: [DAEMON_CRASH],
    mustFail: ['SIGKILLed']
  },
  {
    id: 'state-write-awaited',
    protection: 'a change is answered only after its write committed',
    file: 'packages/daemon/src/state/state-store.ts',
    edits: [{ find: 'await this.#write(serializeState(next))', replace: 'void this.#write(serializeState(next)).catch(() => {})' }],
    specs: [DAEMON_CRASH],
    mustFail: ['SIGKILLed']
  },
  {
    id: 'state-leftovers',
    protection: '`StateStore.load()` removes the leftovers of an interrupted write',
    file: 'packages/daemon/src/state/state-store.ts',
    edits: [{ find: '    await this.#removeLeftovers()\n', replace: '' }],
    specs: [DAEMON_CRASH],
    mustFail: ['SIGKILLed']
  },
  {
    id: 'talkreq-handler-error-logged',
    protection: '`Discv5Adapter` logs a TALKREQ handler that throws',
    file: 'packages/discv5/src/node/discv5-adapter.ts',
    edits: [{ find: "        this.#logger.warn({ protocol, nodeId: nodeAddr.nodeId, err }, 'a TALKREQ handler threw; the peer gets an empty TALKRESP')\n", replace: '' }],
    specs: ['packages/discv5/test/node/discv5-adapter-errors.spec.ts'],
    mustFail: ['a handler that throws is logged']
  },
  {
    id: 'talkreq-handler-error-counted',
    protection: '`Discv5Adapter` counts a TALKREQ handler that throws (`talkErrors.handlerErrors`)',
    file: 'packages/discv5/src/node/discv5-adapter.ts',
    edits: [{ find: '        this.#handlerErrors++\n', replace: '' }],
    specs: ['packages/discv5/test/node/discv5-adapter-errors.spec.ts'],
    mustFail: ['a handler that throws is logged']
  },
  {
    id: 'topic-lookup-on-ad-error',
    protection: '`topicLookup` logs and counts an `onAd` that throws (`adErrors`)',
    file: 'packages/discv5/src/topic/topic-lookup.ts',
    edits: [{ find: '              adErrors++\n', replace: '' }],
    specs: ['packages/discv5/test/topic/topic-lookup.spec.ts'],
    mustFail: ['an onAd that throws is logged']
  },
  {
    id: 'liveness-probe-errors',
    protection: '`LivenessMonitor` counts and logs failed liveness checks',
    file: 'packages/core/src/client/liveness-monitor.ts',
    edits: [{ find: '      this.#probeErrors++\n', replace: '' }],
    specs: ['packages/core/test/client/resource-watch-resilience.spec.ts'],
    mustFail: ['failed liveness checks are counted and logged']
  },
  {
    id: 'liveness-probe-errors-metric',
    protection: 'the daemon exports `rdisc_liveness_probe_errors_total`',
    file: 'packages/daemon/src/metrics/daemon-metrics.ts',
    edits: [{ find: 'this.inc({ kind: monitor.kind.name }, monitor.watch.livenessProbeErrors)', replace: 'this.inc({ kind: monitor.kind.name }, 0)' }],
    specs: ['packages/daemon/test/http-api.spec.ts'],
    mustFail: ['failed liveness checks of the selected server are counted per kind']
  },
  {
    id: 'source-ip-ipaddr',
    protection: '`sourceIpBytes` reads IPv4-mapped IPv6 as IPv4 (ipaddr.js)',
    file: 'packages/discv5/src/node/discv5-adapter.ts',
    // the pre-ipaddr.js parser for IPv6
    edits: [{ find: '    return Uint8Array.from(ipaddr.process(host).toByteArray())\n', replace: "    if (isIP(host) === 4) { return Uint8Array.from(host.split('.').map(Number)) }\n    const [head = '', tail = ''] = host.split('::')\n    const parse = (text: string): number[] => text === '' ? [] : text.split(':').map((group) => Number.parseInt(group, 16))\n    const start = parse(head)\n    const end = host.includes('::') ? parse(tail) : []\n    const groups = [...start, ...new Array<number>(Math.max(0, 8 - start.length - end.length)).fill(0), ...end]\n    const bytes = new Uint8Array(16)\n    groups.forEach((group, index) => { bytes[index * 2] = group >> 8; bytes[index * 2 + 1] = group & 0xff })\n    return bytes\n" }],
    specs: ['packages/discv5/test/node/source-ip-bytes.spec.ts'],
    mustFail: ['so two of them differ', 'agrees with node\'s own parser', 'in the IPv4 /24 of its address', 'as one source']
  },
  {
    id: 'public-key-on-curve',
    protection: '`parsePublicKey` refuses points off secp256k1 (@noble/curves)',
    file: 'packages/encrypted-request/src/ecies/keys.ts',
    edits: [{ find: "    throw new InvalidPublicKeyError('not a point on secp256k1', { cause: err })\n", replace: '    return copyBytes(bytes.length === 33 ? bytes : Uint8Array.from([2, ...bytes.subarray(1, 33)]))\n' }],
    specs: ['packages/encrypted-request/test/ecies/public-key.spec.ts'],
    mustFail: ['refuses points off the curve', 'keeps the library\'s reason', 'agrees with eciesjs, OpenSSL and the former check']
  },
  {
    id: 'web-page-links-out',
    protection: 'the web page refuses files whose real path is outside its directory',
    file: 'packages/daemon/src/web/web-page.ts',
    edits: [{ find: '          if (!await insideRoot(root, path)) {', replace: "          if (path === '') {" }],
    specs: ['packages/daemon/test/web-page.spec.ts', 'test/security/fuzz-http-api.spec.ts'],
    mustFail: ['dot files and links out are 404', 'nothing outside its directory']
  },
  {
    id: 'web-page-canonical-paths',
    protection: 'the web page serves only canonical paths (no empty, `.` or `..` segment)',
    file: 'packages/daemon/src/web/web-page.ts',
    edits: [{ find: "    if (file.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {", replace: '    if (file.length < 0) {' }],
    specs: ['packages/daemon/test/web-page.spec.ts'],
    mustFail: ['dot files and links out are 404']
  },
  {
    id: 'web-page-dot-files',
    protection: 'the web page ignores dot files (`dotfiles: \'ignore\'`)',
    file: 'packages/daemon/src/web/web-page.ts',
    edits: [{ find: "    dotfiles: 'ignore',", replace: "    dotfiles: 'allow'," }],
    specs: ['packages/daemon/test/web-page.spec.ts'],
    mustFail: ['dot files and links out are 404']
  }
]

type Outcome = 'killed' | 'survived' | 'stale'

interface MutationResult {
  readonly id: string
  readonly outcome: Outcome
  /** The named tests that did not fail (survived), or the edits not found (stale). */
  readonly missing: readonly string[]
  /** Full titles of every failed test or hook. */
  readonly failed: readonly string[]
  /** The `figure:` lines the specs printed (RDISC_FIGURES=1). */
  readonly figures: readonly string[]
  readonly passed: number
  readonly durationMs: number
}

/** Copies the repository to a temporary directory, `node_modules` rebuilt from links (see the file's comment). */
async function copyRepository (into: string): Promise<void> {
  const modules: string[] = []
  await cp(root, into, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => {
      const name = basename(source)
      if (name === 'node_modules') {
        modules.push(source)
        return false
      }
      return name !== '.git' && !source.startsWith(join(root, 'scripts/results'))
    }
  })
  for (const source of modules) {
    await linkModules(source, join(into, relative(root, source)))
  }
}

/** Rebuilds one `node_modules`: links copied as they are (workspace links then point into the copy), scopes one level down, the rest linked to the original. */
async function linkModules (source: string, target: string): Promise<void> {
  await mkdir(target, { recursive: true })
  for (const name of await readdir(source)) {
    const from = join(source, name)
    const to = join(target, name)
    const stat = await lstat(from)
    if (stat.isSymbolicLink()) {
      await symlink(await readlink(from), to)
    } else if (name.startsWith('@') && stat.isDirectory()) {
      await linkModules(from, to)
    } else {
      await symlink(from, to)
    }
  }
}

/** Applies the edits to `text`, or names those not found exactly once. */
function applyEdits (text: string, edits: readonly Edit[]): { text: string, missing: string[] } {
  let result = text
  const missing: string[] = []
  for (const { find, replace } of edits) {
    const count = result.split(find).length - 1
    if (count !== 1) {
      missing.push(`${JSON.stringify(find)} found ${count} times`)
      continue
    }
    result = result.replace(find, () => replace)
  }
  return { text: result, missing }
}

/** A test as mocha's json-stream reporter writes it. */
interface MochaTest {
  fullTitle?: string
}

let running: ReturnType<typeof spawn> | undefined

/** Runs `specs` with mocha in `copy`; the JSON report's failed titles and passes. */
async function runSpecs (copy: string, specs: readonly string[], stress: boolean): Promise<{ failed: string[], passed: number, figures: string[] }> {
  // json-stream: one JSON line per test on stdout, with the error's message only (the json reporter
  // serializes each error's actual and expected values, and ends the run without a report on a bigint)
  const args = [
    join(copy, 'node_modules/mocha/bin/mocha.js'), '--no-config',
    '--node-option', 'conditions=@resource-discovery/source', '--node-option', 'import=tsx/esm', '--node-option', 'import=./test/setup/polyfills.ts',
    '--extension', 'ts', '--timeout', '20000', '--exit', '--reporter', 'json-stream', ...specs
  ]
  const env = { ...process.env, RDISC_FIGURES: '1', RDISC_STRESS: stress ? '1' : '0' }
  const child = spawn(process.execPath, args, { cwd: copy, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  running = child
  let stderr = ''
  let stdout = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000) })
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString() })
  const timer = setTimeout(() => { killGroup(child) }, RUN_TIMEOUT_MS)
  await new Promise<void>((resolve) => { child.once('close', () => { resolve() }) })
  clearTimeout(timer)
  running = undefined
  const figures = [...stdout.matchAll(/figure: (.+)$/gm)].map((match) => match[1] as string)
  const failed: string[] = []
  let passed = 0
  let ended = false
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('["')) continue
    let event: unknown
    try {
      event = JSON.parse(line)
    } catch {
      continue
    }
    const [type, detail] = event as [string, MochaTest | undefined]
    if (type === 'pass') passed++
    if (type === 'fail') failed.push(detail?.fullTitle ?? '(untitled)')
    if (type === 'end') ended = true
  }
  if (!ended) {
    const tail = `${stdout}\n${stderr}`.trim().split('\n').slice(-6).join(' | ')
    failed.push(`(the run did not end: exit code ${child.exitCode}, signal ${child.signalCode}; last output: ${tail})`)
  }
  return { failed, passed, figures }
}

function killGroup (child: ReturnType<typeof spawn>): void {
  if (child.pid !== undefined && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
}

async function runMutation (copy: string, mutation: Mutation, stress: boolean): Promise<MutationResult> {
  const path = join(copy, mutation.file)
  const original = await readFile(path, 'utf8')
  const { text, missing } = applyEdits(original, mutation.edits)
  if (missing.length > 0) {
    return { id: mutation.id, outcome: 'stale', missing, failed: [], passed: 0, figures: [], durationMs: 0 }
  }
  const startedAt = performance.now()
  await writeFile(path, text)
  try {
    const { failed, passed, figures } = await runSpecs(copy, mutation.specs, stress)
    const survivors = mutation.mustFail.filter((title) => !failed.some((failure) => failure.includes(title)))
    return { id: mutation.id, outcome: survivors.length === 0 ? 'killed' : 'survived', missing: survivors, failed, passed, figures, durationMs: performance.now() - startedAt }
  } finally {
    await writeFile(path, original)
  }
}

/** The results an earlier run wrote to `path` (each with the time it was measured), none if there is no such file. */
async function previousResults (path: string): Promise<Array<MutationResult & { measuredAt?: string }>> {
  try {
    const file = JSON.parse(await readFile(path, 'utf8')) as { measuredAt?: string, results?: Array<MutationResult & { measuredAt?: string }> }
    return (file.results ?? []).map((result) => ({ ...result, measuredAt: result.measuredAt ?? file.measuredAt }))
  } catch {
    return []
  }
}

async function main (): Promise<void> {
  const args = process.argv.slice(2)
  const named = args.filter((arg) => !arg.startsWith('--'))
  const unknown = named.filter((id) => !MUTATIONS.some((mutation) => mutation.id === id))
  if (unknown.length > 0) {
    process.stderr.write(`No mutation named ${unknown.join(', ')}: choose among ${MUTATIONS.map(({ id }) => id).join(', ')}\n`)
    process.exitCode = 2
    return
  }
  const selected = MUTATIONS.filter((mutation) => named.length === 0 || named.includes(mutation.id))
  if (args.includes('--list')) {
    for (const mutation of selected) {
      console.log(`${mutation.id}: ${mutation.protection}\n  ${mutation.file}\n  specs: ${mutation.specs.join(', ')}\n  must fail: ${mutation.mustFail.join('; ')}`)
    }
    return
  }

  const copy = await mkdtemp(join(tmpdir(), 'rd-mutations-'))
  let cleaned = false
  const cleanUp = async (): Promise<void> => {
    if (args.includes('--keep')) {
      process.stderr.write(`kept the copy (unmutated) at ${copy}\n`)
      return
    }
    if (!cleaned) {
      cleaned = true
      await rm(copy, { recursive: true, force: true })
    }
  }
  const onSignal = (signal: NodeJS.Signals): void => {
    if (running !== undefined) killGroup(running)
    void cleanUp().finally(() => { process.exit(signal === 'SIGINT' ? 130 : 143) })
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const results: MutationResult[] = []
  try {
    process.stderr.write(`copying the repository to ${copy}\n`)
    await copyRepository(copy)
    for (const mutation of selected) {
      process.stderr.write(`${mutation.id}: running ${mutation.specs.join(', ')}\n`)
      const result = await runMutation(copy, mutation, args.includes('--stress'))
      process.stderr.write(`${mutation.id}: ${result.outcome}${result.missing.length > 0 ? ` (${result.missing.join('; ')})` : ''}\n`)
      results.push(result)
    }
  } finally {
    await cleanUp()
    process.removeListener('SIGINT', onSignal)
    process.removeListener('SIGTERM', onSignal)
  }

  console.log('\n| mutation (protection removed) | file | specs | tests failed / passed | named tests failed | result |')
  console.log('| --- | --- | --- | --: | --- | --- |')
  for (const result of results) {
    const mutation = MUTATIONS.find(({ id }) => id === result.id) as Mutation
    const named = mutation.mustFail.length - (result.outcome === 'survived' ? result.missing.length : 0)
    const shown = result.outcome === 'stale' ? 'stale: text not found' : result.outcome
    console.log(`| \`${mutation.id}\`: ${mutation.protection} | \`${mutation.file}\` | ${mutation.specs.map((spec) => `\`${basename(spec)}\``).join(', ')} | ${result.failed.length} / ${result.passed} | ${result.outcome === 'stale' ? '-' : `${named} of ${mutation.mustFail.length}`} | ${shown} |`)
  }
  for (const result of results.filter(({ outcome }) => outcome !== 'killed')) {
    console.log(`\n${result.id} ${result.outcome}: ${result.missing.join('; ')}`)
  }
  const outputPath = join(root, 'scripts/results', args.includes('--stress') ? 'mutations-stress.json' : 'mutations.json')
  await mkdir(dirname(outputPath), { recursive: true })
  // a run of some mutations updates their entries and keeps the others' (each entry says when it was measured)
  const measuredAt = new Date().toISOString()
  const earlier = named.length === 0 ? [] : await previousResults(outputPath)
  const merged = MUTATIONS.flatMap(({ id }) => {
    const fresh = results.find((result) => result.id === id)
    const kept = earlier.find((result) => result.id === id)
    return fresh !== undefined ? [{ ...fresh, measuredAt }] : kept !== undefined ? [kept] : []
  })
  await writeFile(outputPath, `${JSON.stringify({ node: process.version, stress: args.includes('--stress'), measuredAt, results: merged }, null, 2)}\n`)
  console.log(`\nwrote ${relative(root, outputPath)}`)
  process.exitCode = results.every(({ outcome }) => outcome === 'killed') ? 0 : 1
}

await main()
