import { access, constants, readFile } from 'node:fs/promises'
import { thrown } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { ANVIL_PACKAGES, AnvilNotFoundError, anvilBinaryPath, anvilPackageFor } from '@resource-discovery/devchain'

/** The root lock file and devchain's manifest: what npm installs on each platform. */
async function readJson (path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(new URL(path, import.meta.url), 'utf8')) as Record<string, unknown>
}

interface LockedPackage { version: string, optional?: boolean, os?: string[], cpu?: string[], bin?: Record<string, string> }

describe('anvilBinaryPath', () => {
  it('behavior: on this machine it is the executable binary of this platform\'s package (on Linux x64, @foundry-rs/anvil-linux-amd64)', async () => {
    const path = anvilBinaryPath()
    const own = anvilPackageFor(process.platform, process.arch)
    expect(path.replaceAll('\\', '/')).to.match(new RegExp(`/node_modules/${own?.name ?? 'none'}/${own?.binary ?? 'none'}$`))
    await access(path, constants.X_OK)
    if (process.platform === 'linux' && process.arch === 'x64') {
      expect(path).to.match(/\/node_modules\/@foundry-rs\/anvil-linux-amd64\/bin\/anvil$/)
    }
  })

  it('behavior: each platform\'s package is an optional dependency at one version, and npm installs it only on that platform', async () => {
    const manifest = await readJson('../package.json')
    const lock = await readJson('../../../package-lock.json')
    const optional = manifest.optionalDependencies as Record<string, string>
    expect(Object.keys(optional).sort()).to.deep.equal(Object.values(ANVIL_PACKAGES).map(({ name }) => name).sort())
    expect(new Set(Object.values(optional)).size, 'one anvil version on every platform').to.equal(1)
    const lockedPackages = lock.packages as Record<string, LockedPackage>
    for (const [machine, { name, binary }] of Object.entries(ANVIL_PACKAGES)) {
      const [platform, arch] = machine.split('-')
      const locked = lockedPackages[`node_modules/${name}`]
      expect(locked, `${name} in package-lock.json, so npm ci installs it on ${machine}`).to.not.equal(undefined)
      expect(locked?.version).to.equal(optional[name])
      expect(locked?.optional).to.equal(true)
      expect(locked?.os).to.deep.equal([platform])
      expect(locked?.cpu).to.deep.equal([arch])
      expect(anvilPackageFor(platform, arch)?.name).to.equal(name)
      expect(binary, `the binary ${name} declares`).to.equal(locked?.bin?.anvil)
    }
  })

  it('error: a platform whose package is not installed throws AnvilNotFoundError (not-installed) naming the package and connectDevChain', () => {
    const err = thrown(() => anvilBinaryPath({ platform: 'darwin', arch: 'arm64' }))
    expect(err).to.be.instanceOf(AnvilNotFoundError)
    const notFound = err as AnvilNotFoundError
    expect(notFound.name).to.equal('AnvilNotFoundError')
    expect(notFound).to.include({ reason: 'not-installed', platform: 'darwin', arch: 'arm64', anvilPackage: '@foundry-rs/anvil-darwin-arm64' })
    expect(notFound.message).to.not.contain('\n')
    expect(notFound.message).to.contain('@foundry-rs/anvil-darwin-arm64').and.contain('connectDevChain(rpcUrl)')
    expect(notFound.cause).to.be.instanceOf(Error)
  })

  it('error: a platform Foundry publishes no package for throws AnvilNotFoundError (unsupported-platform) naming connectDevChain', () => {
    expect(anvilPackageFor('freebsd', 'x64')).to.equal(undefined)
    expect(anvilPackageFor('win32', 'arm64')).to.equal(undefined)
    const err = thrown(() => anvilBinaryPath({ platform: 'freebsd', arch: 'x64' }))
    expect(err).to.be.instanceOf(AnvilNotFoundError)
    expect(err).to.include({ reason: 'unsupported-platform', platform: 'freebsd', arch: 'x64', anvilPackage: undefined })
    expect((err as Error).message).to.match(/^Foundry publishes no anvil npm package for freebsd-x64\. [^\n]*connectDevChain\(rpcUrl\)/)
  })
})
