/**
 * `npm start -w @resource-discovery/example-browser-client`: builds the page,
 * starts the example's chain (anvil, the registry, a provider, three server
 * records of which two are registered), serves the page on 127.0.0.1 and
 * prints its URL. Open it in a browser; Ctrl-C stops everything.
 */
import { once } from 'node:events'
import { join } from 'node:path'
import { buildBrowserClient, EXAMPLE_DIR } from './build-browser-client.js'
import { startExampleNetwork } from './example-network.js'
import { servePage } from './page-server.js'

const outDir = join(EXAMPLE_DIR, 'dist')
const built = await buildBrowserClient({ outDir })
console.log(`bundle: ${built.minifiedBytes} bytes minified, ${built.gzippedBytes} gzipped`)
const network = await startExampleNetwork()
console.log(`chain: anvil at ${network.config.rpcUrl}, registry ${network.config.registryAddress}, provider ${network.config.defaultProvider}`)
for (const server of network.servers) {
  console.log(`server: ${server.label} ${server.nodeId} ${server.registered ? 'registered by the provider' : 'registered by nobody'}`)
}
const page = await servePage(outDir, network.config)
console.log(`page: ${page.url} (Ctrl-C stops)`)
await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')])
await page.stop()
await network.stop()
console.log('stopped')
