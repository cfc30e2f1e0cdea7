/**
 * Sets the version of every workspace package, and every pin of one
 * workspace package on another (`"@resource-discovery/core": "0.1.0"`), to
 * one version: the packages are released together, and npm's own
 * `npm version --workspaces` leaves the exact pins behind. Run `npm install`
 * afterwards so the lock file follows.
 *
 *   npm run set-version -- 0.2.0
 *   npm run set-version -- --check      # exit 1 if a version or pin differs
 *
 * `test/architecture/workspace-versions.spec.ts` runs the check in `npm test`.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The scope of the workspace packages. */
const SCOPE = '@resource-discovery/'
const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/

interface Manifest {
  name?: string
  version?: string
  workspaces?: string[]
  [field: string]: unknown
}

/** One workspace's package.json, where it is and what it holds. */
export interface WorkspaceManifest {
  readonly path: string
  readonly manifest: Manifest
}

/** The package.json of every workspace of the repository at `root` (`packages/x` and `examples/*` forms). */
export async function readWorkspaceManifests (root: string): Promise<WorkspaceManifest[]> {
  const rootManifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as Manifest
  const folders: string[] = []
  for (const pattern of rootManifest.workspaces ?? []) {
    if (pattern.endsWith('/*')) {
      const parent = pattern.slice(0, -2)
      const entries = await readdir(join(root, parent), { withFileTypes: true })
      folders.push(...entries.filter((entry) => entry.isDirectory()).map((entry) => join(parent, entry.name)).sort())
    } else {
      folders.push(pattern)
    }
  }
  return Promise.all(folders.map(async (folder) => {
    const path = join(root, folder, 'package.json')
    return { path, manifest: JSON.parse(await readFile(path, 'utf8')) as Manifest }
  }))
}

/** Where the workspaces disagree with `version` (or, without it, with the first one's version): one line each. */
export function versionProblems (workspaces: readonly WorkspaceManifest[], version?: string): string[] {
  const expected = version ?? workspaces[0]?.manifest.version
  const names = new Set(workspaces.map(({ manifest }) => manifest.name))
  const problems: string[] = []
  for (const { path, manifest } of workspaces) {
    if (manifest.version !== expected) problems.push(`${path}: version ${String(manifest.version)}, not ${String(expected)}`)
    for (const field of DEPENDENCY_FIELDS) {
      const dependencies = (manifest[field] ?? {}) as Record<string, string>
      for (const [name, range] of Object.entries(dependencies)) {
        if (name.startsWith(SCOPE) && names.has(name) && range !== expected) {
          problems.push(`${path}: ${field} ${name} ${range}, not ${String(expected)}`)
        }
      }
    }
  }
  return problems
}

/** Sets every workspace's version and every pin on a workspace package to `version`, in place; returns the files changed. */
export async function setVersion (root: string, version: string): Promise<string[]> {
  if (!SEMVER.test(version)) throw new RangeError(`"${version}" is not a version such as 0.2.0 or 1.0.0-rc.1`)
  const workspaces = await readWorkspaceManifests(root)
  const names = new Set(workspaces.map(({ manifest }) => manifest.name))
  const changed: string[] = []
  for (const { path, manifest } of workspaces) {
    const before = JSON.stringify(manifest)
    manifest.version = version
    for (const field of DEPENDENCY_FIELDS) {
      const dependencies = manifest[field] as Record<string, string> | undefined
      for (const name of Object.keys(dependencies ?? {})) {
        if (dependencies !== undefined && name.startsWith(SCOPE) && names.has(name)) dependencies[name] = version
      }
    }
    if (JSON.stringify(manifest) !== before) {
      await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`)
      changed.push(path)
    }
  }
  return changed
}

async function main (): Promise<void> {
  const root = fileURLToPath(new URL('../', import.meta.url))
  const [argument] = process.argv.slice(2)
  if (argument === undefined || argument === '--help') {
    process.stderr.write('usage: npm run set-version -- <version> | --check\n')
    process.exitCode = argument === undefined ? 2 : 0
    return
  }
  if (argument === '--check') {
    const problems = versionProblems(await readWorkspaceManifests(root))
    for (const problem of problems) process.stderr.write(`${problem}\n`)
    process.exitCode = problems.length === 0 ? 0 : 1
    return
  }
  const changed = await setVersion(root, argument)
  process.stdout.write(`${changed.length} package.json files set to ${argument}; now run npm install to update package-lock.json\n`)
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main()
}
