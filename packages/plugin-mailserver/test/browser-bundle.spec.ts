import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { browserBundleTests } from '../../../test/support/browser-bundle-tests.js'

browserBundleTests({
  name: 'plugin-mailserver',
  packageDir: fileURLToPath(new URL('../', import.meta.url)),
  /** Measured 619,981 when written: core's 527,613 and the client's share. */
  maxMinifiedBytes: 680_000,
  /** Measured 200,261 when written. */
  maxGzippedBytes: 220_000,
  timeoutMs: 20_000
}, ({ bundle, ownFiles }) => {
  it('behavior: holds the client and the kind, not the service nor its LevelDB store', () => {
    const own = ownFiles()
    expect(own).to.include.members(['index.ts', 'mailserver-kind.ts', 'client/mailserver-client.ts', 'client/mailserver-connector.ts', 'protocol/messages.ts'])
    expect(own.filter((file) => file.startsWith('server/') || file.startsWith('store/'))).to.deep.equal([])
    expect(Object.keys(bundle().metafile.inputs).filter((file) => /classic-level|abstract-level|@resource-discovery\/server|packages\/server\//.test(file))).to.deep.equal([])
  })
})
