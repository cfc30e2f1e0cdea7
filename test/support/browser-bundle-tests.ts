import { join } from 'node:path'
import { expect } from 'chai'
import { bundledFilesUnder, bundleForBrowser, BrowserBundleError, nodeBuiltinImports, nodeOnlyGlobalsIn, type BrowserBundle } from './browser-bundle.js'

/** What {@link browserBundleTests} bundles and the budget it holds the bundle to. */
export interface BrowserBundleTestsInit {
  /** The package's short name (`core`, `plugin-push`), in the suite's title and the size figure it prints. */
  readonly name: string
  /** The package's directory; its main entry is `src/index.ts`. */
  readonly packageDir: string
  /** Most bytes the minified bundle may take. */
  readonly maxMinifiedBytes: number
  /** Most bytes the gzipped bundle may take. */
  readonly maxGzippedBytes: number
  /** The suite's mocha timeout (ms). */
  readonly timeoutMs: number
}

/** What the package's own cases (the `cases` of {@link browserBundleTests}) read, once the bundle is built. */
export interface BrowserBundleTestContext {
  /** The bundle of the package's main entry. */
  readonly bundle: () => BrowserBundle
  /** The package's own `src/` files in the bundle, relative to `src/` (`index.ts`, `client/push-client.ts`...). */
  readonly ownFiles: () => string[]
}

const BUILDS = 'behavior: esbuild bundles it for platform browser'

/**
 * The cases every package's main entry runs in a browser bundle
 * ({@link bundleForBrowser}): it bundles, imports no Node built-in, its own
 * sources use no Node-only global, and it stays within its size budget.
 * `cases` adds the package's own (what the bundle holds and leaves out); they
 * are skipped, like the common ones, when the bundle fails to build.
 */
export function browserBundleTests (init: BrowserBundleTestsInit, cases: (context: BrowserBundleTestContext) => void = () => {}): void {
  const src = join(init.packageDir, 'src/')
  const entry = join(src, 'index.ts')

  describe(`${init.name} main entry in a browser bundle`, function () {
    this.timeout(init.timeoutMs)
    let bundle: BrowserBundle
    let failure: Error | undefined

    before(async () => {
      // a failed build is the first test's finding, not a broken hook
      await bundleForBrowser(entry, { workingDir: init.packageDir }).then((built) => { bundle = built }, (err: unknown) => {
        failure = err instanceof Error ? err : new Error(String(err))
      })
    })

    beforeEach(function () {
      if (this.currentTest?.title !== BUILDS && failure !== undefined) {
        this.skip()
      }
    })

    it(BUILDS, () => {
      if (failure !== undefined) {
        expect.fail(failure instanceof BrowserBundleError ? failure.message : `esbuild failed: ${failure.message}`)
      }
      expect(bundle.code.length).to.be.above(0)
    })

    it('behavior: imports no Node built-in module, with or without node:', () => {
      expect(nodeBuiltinImports(bundle)).to.deep.equal([])
    })

    it('behavior: the package\'s sources in the bundle use no Node-only global (Buffer, process...) nor AbortSignal.any/timeout', async () => {
      const files = bundledFilesUnder(bundle, init.packageDir, src)
      expect(files).to.include(entry)
      expect(await nodeOnlyGlobalsIn(files, src)).to.deep.equal([])
    })

    it('behavior: stays within its size budget (minified, gzipped)', () => {
      console.log(`      figure: ${init.name} browser bundle ${bundle.minifiedBytes} B minified, ${bundle.gzippedBytes} B gzipped`)
      expect(bundle.minifiedBytes, `minified ${bundle.minifiedBytes} B`).to.be.at.most(init.maxMinifiedBytes)
      expect(bundle.gzippedBytes, `gzipped ${bundle.gzippedBytes} B`).to.be.at.most(init.maxGzippedBytes)
    })

    cases({
      bundle: () => bundle,
      ownFiles: () => bundledFilesUnder(bundle, init.packageDir, src).map((file) => file.slice(src.length))
    })
  })
}
