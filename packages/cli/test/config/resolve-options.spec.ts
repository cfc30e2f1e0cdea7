import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { loadConfigFile, type ConfigFile } from '../../src/config/config-file.js'
import { optionSpec, type OptionName } from '../../src/config/options.js'
import { parseDurationMs } from '../../src/config/parse-option-value.js'
import { resolveOptions, type OptionLayers } from '../../src/config/resolve-options.js'
import { ConfigFileError, InvalidOptionValueError, MissingOptionError } from '../../src/errors.js'

const NAMES: readonly OptionName[] = ['rpcUrl', 'udpPort', 'logLevel', 'bootnodes', 'serviceOptions', 'keyFile', 'dataDir', 'timeout', 'verbose', 'registry']

function resolve (layers: Partial<OptionLayers>): ReturnType<typeof resolveOptions> {
  return resolveOptions('test', NAMES.map(optionSpec), { flags: {}, env: {}, ...layers })
}

function config (values: Record<string, unknown>, dir = '/etc/rdisc'): ConfigFile {
  return { path: `${dir}/rdisc.json`, dir, values }
}

describe('resolveOptions', () => {
  it('behavior: a flag beats the environment, which beats the config file, which beats the default', () => {
    const all = resolve({ flags: { rpcUrl: 'http://flag' }, env: { RDISC_RPC_URL: 'http://env' }, config: config({ rpcUrl: 'http://config' }) })
    expect(all.string('rpcUrl')).to.equal('http://flag')
    expect(all.source('rpcUrl')).to.equal('flag')

    const noFlag = resolve({ env: { RDISC_RPC_URL: 'http://env' }, config: config({ rpcUrl: 'http://config' }) })
    expect(noFlag.string('rpcUrl')).to.equal('http://env')
    expect(noFlag.source('rpcUrl')).to.equal('env')

    const fileOnly = resolve({ config: config({ rpcUrl: 'http://config', logLevel: 'warn' }) })
    expect(fileOnly.string('rpcUrl')).to.equal('http://config')
    expect(fileOnly.where('rpcUrl')).to.equal('"rpcUrl" in /etc/rdisc/rdisc.json')

    const nothing = resolve({})
    expect(nothing.string('rpcUrl')).to.equal(undefined)
    expect(nothing.given('rpcUrl')).to.equal(false)
    expect(nothing.string('logLevel')).to.equal('info')
    expect(nothing.source('logLevel')).to.equal('default')
    expect(nothing.number('udpPort')).to.equal(0)
  })

  it('behavior: an empty environment variable counts as not set', () => {
    const options = resolve({ env: { RDISC_RPC_URL: '' }, config: config({ rpcUrl: 'http://config' }) })
    expect(options.string('rpcUrl')).to.equal('http://config')
  })

  it('behavior: numbers, durations and flags are parsed from text and JSON', () => {
    const options = resolve({ flags: { udpPort: '9000', timeout: '2s' }, env: { RDISC_VERBOSE: 'yes' } })
    expect(options.number('udpPort')).to.equal(9000)
    expect(options.number('timeout')).to.equal(2000)
    expect(options.boolean('verbose')).to.equal(true)
    expect(resolve({ config: config({ udpPort: 30303, timeout: 1500 }) }).number('udpPort')).to.equal(30303)
    expect(resolve({ config: config({ timeout: '1m' }) }).number('timeout')).to.equal(60_000)
    expect(resolve({ env: { RDISC_VERBOSE: '0' } }).boolean('verbose')).to.equal(false)
  })

  it('args: durations in milliseconds or with a unit', () => {
    expect(parseDurationMs('1500')).to.equal(1500)
    expect(parseDurationMs('500ms')).to.equal(500)
    expect(parseDurationMs('1.5s')).to.equal(1500)
    expect(parseDurationMs('2m')).to.equal(120_000)
    expect(parseDurationMs('5 minutes')).to.equal(undefined)
    expect(parseDurationMs('-1')).to.equal(undefined)
  })

  it('behavior: a list from flags replaces the environment\'s, which is comma-separated', () => {
    expect(resolve({ env: { RDISC_BOOTNODES: 'enr:a, enr:b,,' } }).list('bootnodes')).to.deep.equal(['enr:a', 'enr:b'])
    expect(resolve({ flags: { bootnodes: ['enr:c'] }, env: { RDISC_BOOTNODES: 'enr:a,enr:b' } }).list('bootnodes')).to.deep.equal(['enr:c'])
    expect(resolve({ config: config({ bootnodes: ['enr:x', 'enr:y'] }) }).list('bootnodes')).to.deep.equal(['enr:x', 'enr:y'])
    expect(resolve({}).list('bootnodes')).to.deep.equal([])
  })

  it('behavior: service options merge the config file\'s entries for the kind with the flags, name by name', () => {
    const options = resolve({
      flags: { serviceOptions: ['gateway=log', 'ingestPeers=a,b'] },
      config: config({ serviceOptions: { push: { gateway: 'https://push.example', extra: '1' }, mailserver: { maxClockSkewMs: '5' } } })
    })
    expect(options.map('serviceOptions', 'push')).to.deep.equal({ gateway: 'log', extra: '1', ingestPeers: 'a,b' })
    expect(options.map('serviceOptions', 'mailserver')).to.deep.equal({ maxClockSkewMs: '5', gateway: 'log', ingestPeers: 'a,b' })
    expect(resolve({}).map('serviceOptions', 'push')).to.deep.equal({})
  })

  it('behavior: relative paths in the config file are taken from its directory, on the command line from the working directory', () => {
    expect(resolve({ config: config({ keyFile: 'keys/node.key', dataDir: '/var/lib/rdisc' }, '/etc/rdisc') }).string('keyFile')).to.equal('/etc/rdisc/keys/node.key')
    expect(resolve({ config: config({ dataDir: '/var/lib/rdisc' }) }).string('dataDir')).to.equal('/var/lib/rdisc')
    expect(resolve({ flags: { keyFile: 'keys/node.key' } }).string('keyFile')).to.equal('keys/node.key')
  })

  it('error: a malformed value names the flag, the environment variable or the config key it came from', () => {
    expect(() => resolve({ flags: { udpPort: 'abc' } })).to.throw(InvalidOptionValueError, '--udp-port: expected a whole number, got "abc"')
    expect(() => resolve({ env: { RDISC_UDP_PORT: '70000' } })).to.throw(InvalidOptionValueError, 'RDISC_UDP_PORT: expected a number from 0 to 65535, got 70000')
    expect(() => resolve({ config: config({ udpPort: '9000' }) })).to.throw(InvalidOptionValueError, '"udpPort" in /etc/rdisc/rdisc.json: expected a number, got "9000"')
    expect(() => resolve({ config: config({ bootnodes: 'enr:a' }) })).to.throw(InvalidOptionValueError, 'expected an array of strings')
    expect(() => resolve({ flags: { timeout: 'soon' } })).to.throw(InvalidOptionValueError, '--timeout: expected a duration')
    expect(() => resolve({ flags: { serviceOptions: ['gateway'] } })).to.throw(InvalidOptionValueError, '--option: expected NAME=VALUE, got "gateway"')
    expect(() => resolve({ config: config({ serviceOptions: { push: 'log' } }) })).to.throw(InvalidOptionValueError, 'an object by kind')
  })

  it('behavior: --rpc-url for clients is a list: repeated flags, a comma-separated RDISC_RPC_URL, one string or an array in the config file', () => {
    const urls = (layers: Partial<OptionLayers>): readonly string[] => resolveOptions('test', [optionSpec('rpcUrls')], { flags: {}, env: {}, ...layers }).list('rpcUrls')
    expect(urls({ flags: { rpcUrls: ['http://a', 'http://b'] } })).to.deep.equal(['http://a', 'http://b'])
    expect(urls({ env: { RDISC_RPC_URL: 'http://a,http://b' } })).to.deep.equal(['http://a', 'http://b'])
    expect(urls({ config: config({ rpcUrl: 'http://a' }) })).to.deep.equal(['http://a'])
    expect(urls({ config: config({ rpcUrl: ['http://a', 'http://c'] }) })).to.deep.equal(['http://a', 'http://c'])
    expect(() => urls({ config: config({ rpcUrl: 7 }) })).to.throw(InvalidOptionValueError, 'expected an array of strings')
  })

  it('error: a required option given nowhere names its flag, environment variable and config key', () => {
    const options = resolve({})
    expect(() => options.requireString('registry')).to.throw(MissingOptionError, 'test needs --registry (or RDISC_REGISTRY, or "registry" in the config file)')
  })
})

describe('loadConfigFile', () => {
  let dir: string

  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'rdisc-config-')) })
  afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

  it('behavior: reads an object of settings, ignoring keys that start with $', async () => {
    await writeFile(join(dir, 'rdisc.json'), JSON.stringify({ $comment: 'dev', rpcUrl: 'http://127.0.0.1:8545', trust: ['0xabc'] }))
    const file = await loadConfigFile('rdisc.json', dir)
    expect(file.dir).to.equal(dir)
    expect(file.values.rpcUrl).to.equal('http://127.0.0.1:8545')
  })

  it('error: an unknown key, bad JSON, a non-object or a missing file is a ConfigFileError naming the file', async () => {
    await writeFile(join(dir, 'typo.json'), JSON.stringify({ rpcURL: 'http://x' }))
    await writeFile(join(dir, 'bad.json'), '{ rpcUrl: ')
    await writeFile(join(dir, 'list.json'), '[]')
    const failure = async (name: string): Promise<ConfigFileError> => loadConfigFile(name, dir).then(() => { throw new Error('loaded') }, (err: unknown) => err as ConfigFileError)
    expect((await failure('typo.json')).message).to.match(/^config file typo\.json: unknown key "rpcURL" \(known keys: .*rpcUrl/)
    expect((await failure('bad.json')).message).to.contain('config file bad.json: is not valid JSON')
    expect((await failure('list.json')).message).to.equal('config file list.json: expected a JSON object of settings')
    expect((await failure('missing.json')).message).to.equal('config file missing.json: no such file')
    expect(await failure('missing.json')).to.be.instanceOf(ConfigFileError)
  })
})
