/**
 * Compiles `contracts/ResourceRegistry.sol` with solc-js (the `solc` npm
 * package, optimizer on) and writes its ABI and creation bytecode to
 * `packages/registry/src/generated/resource-registry.ts`.
 *
 * Usage (from the repository root):
 *   npm run contracts:build   # rewrite the generated file
 *   npm run contracts:check   # exit 1 if the generated file is stale (CI)
 */
import { readFile, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { relative, resolve } from 'node:path'
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
const outputPath = resolve(repoRoot, 'packages/registry/src/generated/resource-registry.ts')

const solc = createRequire(import.meta.url)('solc') as SolcJs

async function main (): Promise<void> {
  const check = process.argv.includes('--check')
  const source = await readFile(sourcePath, 'utf8')
  const { abi, bytecode } = compile(source)
  const rendered = render(abi, bytecode, solc.version())
  const outputName = relative(repoRoot, outputPath)

  if (check) {
    const current = await readFile(outputPath, 'utf8').catch(() => undefined)
    if (current !== rendered) {
      console.error(`${outputName} is stale: it does not match ${SOURCE_KEY} compiled with solc ${solc.version()}.\nRun \`npm run contracts:build\` and commit the result.`)
      process.exit(1)
    }
    console.log(`${outputName} is up to date (solc ${solc.version()}).`)
    return
  }

  await writeFile(outputPath, rendered)
  console.log(`Wrote ${outputName}: ${abi.length} ABI entries, ${(bytecode.length - 2) / 2} bytes of creation code (solc ${solc.version()}).`)
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

function render (abi: unknown[], bytecode: string, version: string): string {
  return `// generated, do not edit: run \`npm run contracts:build\` after changing ${SOURCE_KEY}.
// Compiled with solc ${version}, optimizer on (${OPTIMIZER_RUNS} runs), EVM version ${EVM_VERSION}.

/** ABI of the ResourceRegistry contract (\`${SOURCE_KEY}\`). */
export const resourceRegistryAbi = ${JSON.stringify(abi, null, 2)} as const

/** Creation bytecode of the ResourceRegistry contract; its constructor takes \`address initialCurator\`. */
export const resourceRegistryBytecode = '${bytecode}' as const

/** The solc version that produced {@link resourceRegistryAbi} and {@link resourceRegistryBytecode}. */
export const resourceRegistrySolcVersion = '${version}' as const
`
}

await main()
