import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { expect } from 'chai'

const root = join(import.meta.dirname, '..', '..')
const coreSrc = join(root, 'packages', 'core', 'src')

function sourceFiles (dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : []
  })
}

function importsOf (path: string): string[] {
  const text = readFileSync(path, 'utf8')
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm)].map((match) => match[1] ?? match[2] ?? '')
}

/** Core's interface files: what plugins and other implementations depend on. */
const INTERFACE_FILES = [
  'cache/cached-resource.ts',
  'cache/resource-cache.ts',
  'client/resource-client-events.ts',
  'discovery/discoverer.ts',
  'logging/logger.ts',
  'resource/node-record.ts',
  'resource/resource.ts',
  'resource/resource-kind.ts',
  'resource/resource-kinds.ts',
  'selection/latency-probe.ts',
  'selection/random-source.ts',
  'selection/selector.ts',
  'util/abort.ts',
  'util/startable.ts',
  'verification/verdict.ts',
  'verification/verifier-change.ts',
  'verification/verifier.ts'
]

const THIRD_PARTY_NETWORKING = /^(@chainsafe\/|@libp2p\/|libp2p$|@multiformats\/|ethers$|inversify$)/

describe('core package boundaries', () => {
  const files = sourceFiles(coreSrc)

  it('behavior: the source tree was read', () => {
    expect(files.length).to.be.above(20)
  })

  it('behavior: no core file imports a plugin package', () => {
    for (const file of files) {
      const plugins = importsOf(file).filter((specifier) => specifier.startsWith('@resource-discovery/plugin-'))
      expect(plugins, relative(root, file)).to.deep.equal([])
    }
  })

  it('behavior: interface files import no third-party package', () => {
    for (const name of INTERFACE_FILES) {
      const path = join(coreSrc, name)
      const foreign = importsOf(path).filter((specifier) => !specifier.startsWith('.') && specifier !== 'node:crypto')
      expect(foreign, name).to.deep.equal([])
      expect(importsOf(path).filter((specifier) => THIRD_PARTY_NETWORKING.test(specifier)), name).to.deep.equal([])
    }
  })

  it('behavior: the import scan sees imports (it can fail)', () => {
    expect(importsOf(join(coreSrc, 'identity', 'decode-enr.ts'))).to.include('@chainsafe/enr')
  })
})
