import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { browserBundleTests } from '../../../test/support/browser-bundle-tests.js'

browserBundleTests({
  name: 'plugin-push',
  packageDir: fileURLToPath(new URL('../', import.meta.url)),
  /** Measured 616,929 when written: core's 527,613 and the client's share. */
  maxMinifiedBytes: 680_000,
  /** Measured 199,361 when written. */
  maxGzippedBytes: 220_000,
  timeoutMs: 20_000
}, ({ bundle, ownFiles }) => {
  it('behavior: holds the client and the kind, not the service, its gateways nor its LevelDB store', () => {
    const own = ownFiles()
    expect(own).to.include.members(['index.ts', 'push-kind.ts', 'client/push-client.ts', 'client/push-connector.ts', 'protocol/push-codec.ts'])
    expect(own.filter((file) => file.startsWith('server/') || file.startsWith('gateway/') || file.startsWith('store/'))).to.deep.equal([])
    expect(Object.keys(bundle().metafile.inputs).filter((file) => /classic-level|abstract-level|@resource-discovery\/server|packages\/server\//.test(file))).to.deep.equal([])
  })
})
