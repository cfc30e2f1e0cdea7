/**
 * The workspace packages are released together: one version, and every pin
 * of one on another at that version (scripts/set-version.ts sets them).
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { rejection } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { readWorkspaceManifests, setVersion, versionProblems } from '../../scripts/set-version.js'

const root = fileURLToPath(new URL('../../', import.meta.url))

describe('workspace versions', () => {
  it('behavior: every workspace package has one version and pins the others at it', async () => {
    const workspaces = await readWorkspaceManifests(root)
    expect(workspaces.length).to.be.above(15)
    expect(versionProblems(workspaces)).to.deep.equal([])
  })

  it('behavior: set-version moves every version and pin together, and a stray pin is reported', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'rd-versions-'))
    try {
      // only the manifests: the workspaces' package.json files and the root's
      await cp(root, copy, { recursive: true, filter: (source) => !/node_modules|\/dist|\/\.git|\.ci\/node-versions|interop\//.test(source) && (!/\.[a-z]+$/.test(source) || source.endsWith('package.json')) })
      const changed = await setVersion(copy, '9.8.7')
      const after = await readWorkspaceManifests(copy)
      expect(changed.length).to.equal(after.length)
      expect(versionProblems(after, '9.8.7')).to.deep.equal([])
      const cli = JSON.parse(await readFile(join(copy, 'packages', 'cli', 'package.json'), 'utf8')) as { dependencies: Record<string, string> }
      expect(cli.dependencies['@resource-discovery/core']).to.equal('9.8.7')
      // a third-party dependency keeps its own version
      expect(cli.dependencies['ethers']).to.match(/^\d/).and.not.equal('9.8.7')
      const stray = after.map(({ path, manifest }) => path.endsWith(join('cli', 'package.json'))
        ? { path, manifest: { ...manifest, dependencies: { ...(manifest.dependencies as Record<string, string>), '@resource-discovery/core': '9.8.6' } } }
        : { path, manifest })
      expect(versionProblems(stray)).to.deep.equal([`${join(copy, 'packages', 'cli', 'package.json')}: dependencies @resource-discovery/core 9.8.6, not 9.8.7`])
      await rejection(setVersion(copy, 'next'), RangeError)
    } finally {
      await rm(copy, { recursive: true, force: true })
    }
  })
})
