/**
 * `npm run build -w @resource-discovery/example-browser-client`: bundles the
 * page into `dist/` and prints the bundle's size, minified and gzipped (the
 * root's `npm run bench:browser-bundle` measures the same build, with the
 * heaviest packages). Fails if the bundle still refers to a Node.js built-in.
 */
import { join } from 'node:path'
import { buildBrowserClient, EXAMPLE_DIR } from '../src/build-browser-client.js'

const outDir = join(EXAMPLE_DIR, 'dist')
const built = await buildBrowserClient({ outDir })
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`
console.log(`bundle: ${built.bundlePath} (${built.inputs} source files, esbuild platform browser, minified)`)
console.log(`minified: ${built.minifiedBytes} bytes (${kib(built.minifiedBytes)})`)
console.log(`gzipped: ${built.gzippedBytes} bytes (${kib(built.gzippedBytes)}, node:zlib default level)`)
if (built.nodeBuiltins.length > 0) {
  console.error(`the bundle refers to Node.js built-ins: ${built.nodeBuiltins.join(', ')}`)
  process.exitCode = 1
}
