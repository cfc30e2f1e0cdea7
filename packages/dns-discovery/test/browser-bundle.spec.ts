import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { browserBundleTests } from '../../../test/support/browser-bundle-tests.js'

browserBundleTests({
  name: 'dns-discovery',
  packageDir: fileURLToPath(new URL('../', import.meta.url)),
  /** Measured 500,718 when written (codec, building, client and discoverer; most of it core). */
  maxMinifiedBytes: 580_000,
  /** Measured 159,489 when written. */
  maxGzippedBytes: 185_000,
  timeoutMs: 30_000
}, ({ bundle, ownFiles }) => {
  it('behavior: holds the codec and the building side, not the DNS server nor dns-packet', () => {
    const own = ownFiles()
    expect(own).to.include.members(['index.ts', 'tree/tree-entry.ts', 'tree/root-signature.ts', 'build/build-dns-tree.ts', 'build/tree-json.ts', 'build/zone-text.ts'])
    expect(own.filter((file) => file.startsWith('node/'))).to.deep.equal([])
    expect(Object.keys(bundle().metafile.inputs).filter((file) => /dns-packet/.test(file))).to.deep.equal([])
  })
})
