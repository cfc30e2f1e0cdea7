/**
 * Size of the browser client's bundle (`examples/browser-client`): core, the
 * registry verifier and the page, bundled by esbuild for the browser
 * (`platform: 'browser'`, minified, one ES module), minified and gzipped
 * (node:zlib at its default level), and the packages that weigh most in it.
 *
 * Run: `npm run bench:browser-bundle`. Prints a table and writes
 * `bench/results/browser-bundle.json`.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildBrowserClient } from '../examples/browser-client/src/build-browser-client.js'

const outputPath = resolve(dirname(fileURLToPath(import.meta.url)), 'results/browser-bundle.json')
/** How many of the heaviest packages the table lists. */
const TOP_PACKAGES = 8

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`

async function main (): Promise<void> {
  const outDir = await mkdtemp(join(tmpdir(), 'rdisc-browser-bundle-'))
  try {
    const built = await buildBrowserClient({ outDir })
    if (built.nodeBuiltins.length > 0) {
      throw new Error(`the bundle refers to Node.js built-ins: ${built.nodeBuiltins.join(', ')}`)
    }
    const packages = [...built.packageBytes].sort((a, b) => b[1] - a[1]).slice(0, TOP_PACKAGES)
    const results = {
      entry: 'examples/browser-client/src/page/main.ts',
      esbuild: built.esbuildVersion,
      sourceFiles: built.inputs,
      minifiedBytes: built.minifiedBytes,
      gzippedBytes: built.gzippedBytes,
      heaviestPackages: Object.fromEntries(packages),
      node: process.version,
      measuredAt: new Date().toISOString()
    }
    console.log(`\nBrowser client bundle (esbuild ${built.esbuildVersion}, platform browser, minified, ${built.inputs} source files)\n`)
    console.log('| minified | gzipped |')
    console.log('| --: | --: |')
    console.log(`| ${built.minifiedBytes.toLocaleString('en')} B (${kib(built.minifiedBytes)}) | ${built.gzippedBytes.toLocaleString('en')} B (${kib(built.gzippedBytes)}) |`)
    console.log('\n| package | minified |')
    console.log('| --- | --: |')
    for (const [name, bytes] of packages) {
      console.log(`| ${name} | ${kib(bytes)} |`)
    }
    await mkdir(dirname(outputPath), { recursive: true })
    await writeFile(outputPath, `${JSON.stringify(results, null, 2)}\n`)
    console.log(`\nwrote ${outputPath}`)
  } finally {
    await rm(outDir, { recursive: true, force: true })
  }
}

await main()
