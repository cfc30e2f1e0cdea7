import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { loadRoleKey, parsePrivateKeyText, requireRoleKey } from '../../src/config/load-key.js'
import { optionSpec, type OptionName } from '../../src/config/options.js'
import { resolveOptions, type OptionLayers } from '../../src/config/resolve-options.js'
import { InvalidKeyError, MissingOptionError } from '../../src/errors.js'

const CURATOR_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
const PROVIDER_KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d'
const OTHER_KEY = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a'
const NAMES: readonly OptionName[] = ['curatorKeyFile', 'providerKeyFile', 'keyFile', 'keyEnv', 'unsafeKey']

describe('loadRoleKey', () => {
  let dir: string
  let warnings: string[]
  const path = (name: string): string => join(dir, name)
  const options = (layers: Partial<OptionLayers>): ReturnType<typeof resolveOptions> =>
    resolveOptions('test', NAMES.map(optionSpec), { flags: {}, env: {}, ...layers })
  const warn = (line: string): void => { warnings.push(line) }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rdisc-keys-'))
    warnings = []
    await writeFile(path('curator.key'), `${CURATOR_KEY}\n`, { mode: 0o600 })
    await writeFile(path('provider.key'), PROVIDER_KEY.slice(2), { mode: 0o600 })
    await writeFile(path('other.key'), OTHER_KEY, { mode: 0o600 })
  })

  afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

  it('behavior: the role\'s key file beats --key-file, and the command line beats the environment', async () => {
    const both = options({ flags: { curatorKeyFile: path('curator.key'), keyFile: path('other.key') } })
    expect((await loadRoleKey(both, 'curator', {}, warn))?.privateKey).to.equal(CURATOR_KEY)
    // the provider's own file is not given: --key-file is the provider's key
    expect((await loadRoleKey(both, 'provider', {}, warn))?.privateKey).to.equal(OTHER_KEY)
    const layered = options({ flags: { keyFile: path('other.key') }, env: { RDISC_CURATOR_KEY_FILE: path('curator.key') } })
    expect(await loadRoleKey(layered, 'curator', {}, warn)).to.deep.equal({ privateKey: OTHER_KEY, source: `--key-file ${path('other.key')}` })
    const fromEnv = options({ env: { RDISC_PROVIDER_KEY_FILE: path('provider.key') } })
    expect(await loadRoleKey(fromEnv, 'provider', {}, warn)).to.deep.equal({ privateKey: PROVIDER_KEY, source: `RDISC_PROVIDER_KEY_FILE ${path('provider.key')}` })
    expect(await loadRoleKey(options({}), 'curator', {}, warn)).to.equal(undefined)
    expect(warnings).to.deep.equal([])
  })

  it('behavior: --key-env reads the named variable, --unsafe-key takes the key and warns', async () => {
    const byEnv = options({ flags: { keyEnv: 'MY_SECRET' } })
    expect((await loadRoleKey(byEnv, 'provider', { MY_SECRET: PROVIDER_KEY }, warn))?.privateKey).to.equal(PROVIDER_KEY)
    expect(warnings).to.deep.equal([])
    const unsafe = options({ flags: { unsafeKey: CURATOR_KEY.toUpperCase().replace('0X', '0x') } })
    expect((await loadRoleKey(unsafe, 'curator', {}, warn))?.privateKey).to.equal(CURATOR_KEY)
    expect(warnings).to.have.length(1)
    expect(warnings[0]).to.contain('--unsafe-key puts the key in the shell history')
  })

  it('behavior: a key file other users can read is used, with a warning', async () => {
    await chmod(path('curator.key'), 0o644)
    expect((await loadRoleKey(options({ flags: { keyFile: path('curator.key') } }), 'curator', {}, warn))?.privateKey).to.equal(CURATOR_KEY)
    expect(warnings).to.deep.equal([`key file ${path('curator.key')} can be read by other users; run \`chmod 600 ${path('curator.key')}\``])
  })

  it('error: a missing file, bad hex, a wrong length or an invalid scalar is an InvalidKeyError naming the flag and file', async () => {
    await writeFile(path('hex.key'), '0xnothex', { mode: 0o600 })
    await writeFile(path('short.key'), '0x1234', { mode: 0o600 })
    await writeFile(path('zero.key'), `0x${'0'.repeat(64)}`, { mode: 0o600 })
    await writeFile(path('order.key'), `0x${'f'.repeat(64)}`, { mode: 0o600 })
    const failure = async (file: string): Promise<InvalidKeyError> =>
      loadRoleKey(options({ flags: { curatorKeyFile: path(file) } }), 'curator', {}, warn).then(() => { throw new Error('loaded') }, (err: unknown) => err as InvalidKeyError)
    expect((await failure('missing.key')).shortMessage).to.equal(`--curator-key-file ${path('missing.key')}: no such file`)
    expect((await failure('hex.key')).shortMessage).to.equal(`--curator-key-file ${path('hex.key')}: is not hex`)
    expect((await failure('short.key')).shortMessage).to.equal(`--curator-key-file ${path('short.key')}: has 4 hex characters; a secp256k1 private key has 64 (32 bytes)`)
    expect((await failure('zero.key')).shortMessage).to.contain('is not a valid secp256k1 private key')
    expect((await failure('order.key')).shortMessage).to.contain('is not a valid secp256k1 private key')
    expect(await failure('missing.key')).to.be.instanceOf(InvalidKeyError)
    expect((await failure('missing.key')).exitCode).to.equal(2)
    const unset = await loadRoleKey(options({ flags: { keyEnv: 'NOT_SET' } }), 'curator', {}, warn).catch((err: unknown) => err as InvalidKeyError)
    expect((unset as InvalidKeyError).shortMessage).to.equal('--key-env NOT_SET: the environment variable NOT_SET is not set')
  })

  it('error: a command that signs fails without a key, naming where one can be given', async () => {
    const err = await requireRoleKey(options({}), 'curator', {}, warn).catch((error: unknown) => error)
    expect(err).to.be.instanceOf(MissingOptionError)
    expect((err as Error).message).to.contain('test needs --curator-key-file (or --key-file, or --key-env, or RDISC_CURATOR_KEY_FILE, or "curatorKeyFile" in the config file)')
  })

  it('args: key text with or without 0x, in either case, surrounded by blanks', () => {
    expect(parsePrivateKeyText(`  ${PROVIDER_KEY.slice(2).toUpperCase()}\n`, 'x')).to.equal(PROVIDER_KEY)
  })
})
