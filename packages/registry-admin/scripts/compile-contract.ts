/**
 * Compiles `contracts/ResourceRegistry.sol` with solc-js (the `solc` npm
 * package, optimizer on) and writes its ABI and creation bytecode to
 * `packages/core/src/registry-verification/generated/resource-registry-abi.ts` (the ABI,
 * for core's contract verifier) and
 * `packages/registry-admin/src/generated/resource-registry-bytecode.ts` (the
 * creation code, for deployment).
 *
 * Usage (from the repository root):
 *   npm run contracts:build   # rewrite the generated files
 *   npm run contracts:check   # exit 1 if a generated file is stale (CI)
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The part of solc-js's API this script uses (the package ships no types). */
interface SolcJs {
  version: () => string
  compile: (input: string) => string
}

interface SolcMessage {
  severity: 'error' | 'warning' | 'info'
  formattedMessage: string
}

interface SolcOutput {
  errors?: SolcMessage[]
  contracts?: Record<string, Record<string, { abi: unknown[], evm: { bytecode: { object: string } } }>>
}

const CONTRACT_NAME = 'ResourceRegistry'
const SOURCE_KEY = 'contracts/ResourceRegistry.sol'
const OPTIMIZER_RUNS = 200
/** Pinned so a solc upgrade does not silently change the bytecode; anvil's default hardfork is newer. */
const EVM_VERSION = 'cancun'

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../..')
const sourcePath = resolve(repoRoot, SOURCE_KEY)
/** The ABI goes to core (its contract verifier reads the registry); the bytecode to the registry package (which deploys it). */
const abiOutputPath = resolve(repoRoot, 'packages/core/src/registry-verification/generated/resource-registry-abi.ts')
const bytecodeOutputPath = resolve(repoRoot, 'packages/registry-admin/src/generated/resource-registry-bytecode.ts')

const solc = createRequire(import.meta.url)('solc') as SolcJs

async function main (): Promise<void> {
  const check = process.argv.includes('--check')
  const source = await readFile(sourcePath, 'utf8')
  const { abi, bytecode } = compile(source)
  const outputs = [
    { path: abiOutputPath, rendered: renderAbi(abi, solc.version()) },
    { path: bytecodeOutputPath, rendered: renderBytecode(bytecode, solc.version()) }
  ]

  if (check) {
    let stale = false
    for (const { path, rendered } of outputs) {
      const current = await readFile(path, 'utf8').catch(() => undefined)
      if (current !== rendered) {
        stale = true
        console.error(`${relative(repoRoot, path)} is stale: it does not match ${SOURCE_KEY} compiled with solc ${solc.version()}.`)
      }
    }
    if (stale) {
      console.error('Run `npm run contracts:build` and commit the result.')
      process.exit(1)
    }
    console.log(`${outputs.map(({ path }) => relative(repoRoot, path)).join(' and ')} are up to date (solc ${solc.version()}).`)
    return
  }

  for (const { path, rendered } of outputs) {
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, rendered)
  }
  console.log(`Wrote ${abi.length} ABI entries to ${relative(repoRoot, abiOutputPath)} and ${(bytecode.length - 2) / 2} bytes of creation code to ${relative(repoRoot, bytecodeOutputPath)} (solc ${solc.version()}).`)
}

function compile (source: string): { abi: unknown[], bytecode: string } {
  const input = {
    language: 'Solidity',
    sources: { [SOURCE_KEY]: { content: source } },
    settings: {
      optimizer: { enabled: true, runs: OPTIMIZER_RUNS },
      evmVersion: EVM_VERSION,
      // Keep the bytecode independent of comments and file paths, so --check only fails on real changes.
      metadata: { bytecodeHash: 'none' },
      outputSelection: { [SOURCE_KEY]: { [CONTRACT_NAME]: ['abi', 'evm.bytecode.object'] } }
    }
  }
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as SolcOutput
  const messages = output.errors ?? []
  const errors = messages.filter(message => message.severity === 'error')
  const warnings = messages.filter(message => message.severity === 'warning')
  for (const message of [...errors, ...warnings]) {
    console.error(message.formattedMessage)
  }
  if (errors.length > 0 || warnings.length > 0) {
    throw new Error(`solc reported ${errors.length} error(s) and ${warnings.length} warning(s) in ${SOURCE_KEY}: fix them and run again`)
  }
  const contract = output.contracts?.[SOURCE_KEY]?.[CONTRACT_NAME]
  if (contract === undefined) {
    throw new Error(`solc produced no ${CONTRACT_NAME} contract from ${SOURCE_KEY}`)
  }
  return { abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` }
}

function header (version: string): string {
  return `// generated, do not edit: run \`npm run contracts:build\` after changing ${SOURCE_KEY}.
// Compiled with solc ${version}, optimizer on (${OPTIMIZER_RUNS} runs), EVM version ${EVM_VERSION}.
`
}

function renderAbi (abi: unknown[], version: string): string {
  return `${header(version)}
/** ABI of the ResourceRegistry contract (\`${SOURCE_KEY}\`). */
export const resourceRegistryAbi = ${JSON.stringify(abi, null, 2)} as const

/** The solc version that produced {@link resourceRegistryAbi}. */
export const resourceRegistrySolcVersion = '${version}' as const
`
}

function renderBytecode (bytecode: string, version: string): string {
  return `${header(version)}
/** Creation bytecode of the ResourceRegistry contract; its constructor takes \`address initialCurator\`. */
export const resourceRegistryBytecode = '${bytecode}' as const
`
}

await main()
