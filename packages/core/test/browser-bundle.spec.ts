import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { browserBundleTests } from '../../../test/support/browser-bundle-tests.js'
import { BUFFER_REFERENCE } from '../../../test/support/browser-bundle.js'

browserBundleTests({
  name: 'core',
  packageDir: fileURLToPath(new URL('../', import.meta.url)),
  /** Measured 527,613 when written. */
  maxMinifiedBytes: 600_000,
  /** Measured 163,489 when written. */
  maxGzippedBytes: 185_000,
  timeoutMs: 10_000
}, ({ bundle }) => {
  it('behavior: the bundle references no Buffer global', () => {
    const code = bundle().code
    const references = [...code.matchAll(new RegExp(BUFFER_REFERENCE, 'g'))].map((match) => code.slice(Math.max(0, match.index - 40), match.index + 40))
    expect(references).to.deep.equal([])
  })
})
