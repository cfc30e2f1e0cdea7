/**
 * Builds the page: `src/page/main.ts` bundled by esbuild for the browser
 * (`platform: 'browser'`, minified, one ES module) next to a copy of
 * `index.html`, and measures the bundle: its size minified and gzipped, and
 * any Node.js built-in it still refers to.
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { version as esbuildVersion, type Metafile } from 'esbuild'
import { bundleForBrowser, nodeBuiltinsIn } from '../../../test/support/browser-bundle.js'

/** The example's directory. */
export const EXAMPLE_DIR = fileURLToPath(new URL('..', import.meta.url))
/** The repository's root: the metafile's paths are relative to it (`packages/core/src/...`). */
const REPO_DIR = fileURLToPath(new URL('../../..', import.meta.url))
/** The page's entry point. */
export const PAGE_ENTRY = join(EXAMPLE_DIR, 'src/page/main.ts')
/** The bundle's file name in the output directory (`index.html` loads it). */
export const BUNDLE_FILE = 'client.js'

/** Options of {@link buildBrowserClient}. */
export interface BuildBrowserClientInit {
  /** Where to write `index.html` and {@link BUNDLE_FILE}. */
  outDir: string
  /** The entry point to bundle. Default {@link PAGE_ENTRY}. */
  entry?: string
  /**
   * Export conditions the workspace packages are resolved with. Default
   * `@resource-discovery/source`: their TypeScript sources, as every test of
   * the repository runs them (a user's bundler takes the built `dist/`,
   * compiled from the same sources).
   */
  conditions?: readonly string[]
  /** Module specifiers left out of the bundle (default none): only to show that the check below catches them. */
  external?: readonly string[]
}

/** What {@link buildBrowserClient} wrote and measured. */
export interface BrowserClientBuild {
  /** The bundle's path. */
  readonly bundlePath: string
  /** The bundle's size, minified (bytes). */
  readonly minifiedBytes: number
  /** The bundle's size gzipped at zlib's default level (bytes). */
  readonly gzippedBytes: number
  /** The source files bundled. */
  readonly inputs: number
  /** Minified bytes each package contributes, by package name (`packages/core` for a workspace package's sources). */
  readonly packageBytes: ReadonlyMap<string, number>
  /** The esbuild version that bundled it. */
  readonly esbuildVersion: string
  /** Node.js built-ins the bundle still imports or requires, and `Buffer` if it calls that global (empty when it runs in a browser). */
  readonly nodeBuiltins: readonly string[]
}

/**
 * Bundles the page into `init.outDir` and measures it
 * (`test/support/browser-bundle.ts`, as the packages' browser-bundle tests do).
 *
 * @throws `BrowserBundleError` if a module cannot be bundled for the
 * browser: a `node:` import fails here, naming the file that imports it
 */
export async function buildBrowserClient (init: BuildBrowserClientInit): Promise<BrowserClientBuild> {
  const bundle = await bundleForBrowser(init.entry ?? PAGE_ENTRY, {
    workingDir: REPO_DIR,
    conditions: init.conditions,
    external: init.external,
    legalComments: 'none'
  })
  await mkdir(init.outDir, { recursive: true })
  const bundlePath = join(init.outDir, BUNDLE_FILE)
  await writeFile(bundlePath, bundle.code)
  await copyFile(join(EXAMPLE_DIR, 'index.html'), join(init.outDir, 'index.html'))
  return {
    bundlePath,
    minifiedBytes: bundle.minifiedBytes,
    gzippedBytes: bundle.gzippedBytes,
    inputs: Object.keys(bundle.metafile.inputs).length,
    packageBytes: packageBytesOf(bundle.metafile),
    esbuildVersion,
    nodeBuiltins: nodeBuiltinsIn(bundle)
  }
}

/** The minified bytes of each package in the bundle: `node_modules/<name>`, else the first two path segments. */
function packageBytesOf (metafile: Metafile): Map<string, number> {
  const bytes = new Map<string, number>()
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/')
      bytes.set(name, (bytes.get(name) ?? 0) + bytesInOutput)
    }
  }
  return bytes
}
