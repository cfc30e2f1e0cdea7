import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { expect } from 'chai'
import { REPO_ROOT, nodeRuntimes, workspacePackages } from './node-versions.js'

const semver = createRequire(import.meta.url)('semver') as {
  subset: (range: string, superset: string) => boolean
  satisfies: (version: string, range: string) => boolean
}

interface LockedPackage {
  name?: string
  version?: string
  link?: boolean
  resolved?: string
  engines?: Record<string, string> | string[]
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}

const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockedPackage> }

/** Where npm installed `name` for the package at `from` (a lock path): its own node_modules, then each parent's. */
function resolve (from: string, name: string): string | undefined {
  for (let base = from; ; base = base.includes('/node_modules/') ? base.slice(0, base.lastIndexOf('/node_modules/')) : '') {
    const path = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`
    if (lock.packages[path] !== undefined) {
      return path
    }
    if (base === '') {
      return undefined
    }
  }
}

/** Every package a workspace package needs at run time (dependencies, optional and peer), with the Node.js range it declares. */
function runtimeDependencies (workspace: string): Array<{ id: string, node: string }> {
  const seen = new Set<string>()
  const found: Array<{ id: string, node: string }> = []
  const queue = [workspace]
  while (queue.length > 0) {
    const path = queue.shift() as string
    const locked = lock.packages[path]
    if (locked === undefined) {
      continue
    }
    const node = Array.isArray(locked.engines) ? undefined : locked.engines?.node
    if (path !== workspace && node !== undefined) {
      found.push({ id: `${locked.name ?? path.replace(/^.*node_modules\//, '')}@${locked.version ?? '?'}`, node })
    }
    for (const name of Object.keys({ ...locked.dependencies, ...locked.optionalDependencies, ...locked.peerDependencies })) {
      let target = resolve(path, name)
      const linked = target === undefined ? undefined : lock.packages[target]
      if (linked?.link === true && linked.resolved !== undefined) {
        target = linked.resolved
      }
      if (target !== undefined && !seen.has(target)) {
        seen.add(target)
        queue.push(target)
      }
    }
  }
  return found
}

function enginesOf (path: string): string | undefined {
  return (JSON.parse(readFileSync(join(REPO_ROOT, path), 'utf8')) as { engines?: { node?: string } }).engines?.node
}

describe('engines', () => {
  it('behavior: no package promises a Node.js version that one of its run-time dependencies refuses', () => {
    const broken: string[] = []
    for (const name of workspacePackages()) {
      const ours = enginesOf(`packages/${name}/package.json`)
      expect(ours, `packages/${name}/package.json engines.node`).to.be.a('string')
      for (const { id, node } of runtimeDependencies(`packages/${name}`)) {
        if (!semver.subset(ours as string, node)) {
          broken.push(`${name} (${ours}) needs ${id}, which requires Node.js ${node}`)
        }
      }
    }
    expect(broken).to.deep.equal([])
  })

  it('behavior: every package and the repository accept each Node.js version the subset runs on', () => {
    const versions = nodeRuntimes().map(({ version }) => version)
    for (const path of ['package.json', ...workspacePackages().map((name) => `packages/${name}/package.json`)]) {
      for (const version of versions) {
        expect(semver.satisfies(version, enginesOf(path) ?? '<0'), `${path} accepts ${version}`).to.equal(true)
      }
    }
    expect(semver.satisfies(process.version, enginesOf('package.json') ?? '<0'), `the repository accepts the machine's ${process.version}`).to.equal(true)
  })
})
