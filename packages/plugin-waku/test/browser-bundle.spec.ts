import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { browserBundleTests } from '../../../test/support/browser-bundle-tests.js'

browserBundleTests({
  name: 'plugin-waku',
  packageDir: fileURLToPath(new URL('../', import.meta.url)),
  /** Measured 495,823 when written: mostly core (the plugin adds its codecs and multiaddr). */
  maxMinifiedBytes: 545_000,
  /** Measured 157,528 when written. */
  maxGzippedBytes: 175_000,
  timeoutMs: 20_000
}, ({ ownFiles }) => {
  it('behavior: holds the field codecs, the kinds and the module', () => {
    expect(ownFiles()).to.include.members(['index.ts', 'enr/waku2-field.ts', 'enr/multiaddrs-field.ts', 'enr/relay-shards-field.ts', 'kinds/waku-kind.ts', 'waku-module.ts'])
  })
})
