import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { browserBundleTests } from '../../../test/support/browser-bundle-tests.js'

/*
 * The entry bundles for a browser (libp2p's `browser` field swaps in the TCP
 * transport's stub), so an app's bundler takes it; a ClientHost started in a
 * browser still has no transport it can dial with until servers listen on
 * WebSockets or WebTransport (see the README).
 */
browserBundleTests({
  name: 'client-host',
  packageDir: fileURLToPath(new URL('../', import.meta.url)),
  /** Measured 884,160 when written: core's 527,613 and libp2p with noise, yamux, identify and ping. */
  maxMinifiedBytes: 960_000,
  /** Measured 260,459 when written. */
  maxGzippedBytes: 285_000,
  timeoutMs: 20_000
}, ({ bundle, ownFiles }) => {
  it('behavior: holds the client, not the server runtime nor libp2p\'s TCP transport', () => {
    expect(ownFiles()).to.include.members(['index.ts', 'client/client-host.ts', 'client/ping-latency-probe.ts', 'host/identity-checking-noise.ts'])
    expect(Object.keys(bundle().metafile.inputs).filter((file) => /packages\/server\/|@chainsafe\/discv5|@libp2p\/tcp\/dist\/src\/(tcp|listener|socket-to-conn)\.js/.test(file))).to.deep.equal([])
  })
})
