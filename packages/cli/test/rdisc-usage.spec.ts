import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer as createHttpServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseNodePrivateKey } from '@resource-discovery/core'
import { unusedTcpPort } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { COMMAND_GROUPS, COMMANDS } from '../src/commands/command-table.js'
import { parseJson, RDISC_SOURCE_COMMAND, rdisc, spawnRdisc, stopAllRdisc, type RdiscExit } from './support/rdisc-process.js'

const NODE_KEY = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a'
const PROVIDER = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
const REGISTRIES = ['0x5FbDB2315678afecb367f032d93F642f64180aa3', '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512', '0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0']

/** The one line rdisc prints on stderr for an error. */
function errorLine (exit: RdiscExit): string {
  // not a warning, nor a log line (`rdisc: info: ...`)
  const lines = exit.stderr.split('\n').filter((line) => line.startsWith('rdisc: ') && !/^rdisc: (warning|trace|debug|info|error|fatal): /.test(line))
  expect(lines, exit.stderr).to.have.length(1)
  return lines[0] ?? ''
}

describe('rdisc: usage', function () {
  this.timeout(30_000)
  let dir: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rdisc-usage-'))
    await writeFile(join(dir, 'node.key'), `${NODE_KEY}\n`, { mode: 0o600 })
    await writeFile(join(dir, 'bad-hex.key'), 'not a key\n', { mode: 0o600 })
  })

  afterEach(stopAllRdisc)
  after(async () => { await rm(dir, { recursive: true, force: true }) })

  describe('--help', () => {
    const helps = new Map<string, RdiscExit>()

    before(async function () {
      this.timeout(60_000)
      // all at once: each is a process of its own
      const names = [...COMMANDS.map((command) => command.name), ...COMMAND_GROUPS.map((group) => group.name)]
      const exits = await Promise.all(names.map(async (name) => rdisc([...name.split(' '), '--help'])))
      names.forEach((name, index) => helps.set(name, exits[index]!))
    })

    for (const command of COMMANDS) {
      it(`behavior: rdisc ${command.name} --help prints its usage and options, exit 0`, () => {
        const exit = helps.get(command.name)!
        expect(exit.code, exit.stderr).to.equal(0)
        expect(exit.stdout).to.match(new RegExp(`^Usage: rdisc ${command.name}`))
        expect(exit.stdout).to.contain('Global options:')
        expect(exit.stderr).to.equal('')
      })
    }

    it('behavior: rdisc registry --help lists the registry commands', () => {
      const exit = helps.get('registry')!
      expect(exit.code).to.equal(0)
      for (const name of ['deploy', 'apply', 'approve', 'reject', 'suspend', 'reinstate', 'consent', 'add-resource', 'remove-resource', 'withdraw', 'list']) {
        expect(exit.stdout).to.contain(`registry ${name} `)
      }
    })

    it('behavior: rdisc serve --help lists every kind with its description and options', () => {
      const help = helps.get('serve')!.stdout
      expect(help).to.contain('mailserver  stores envelopes and answers encrypted history requests')
      expect(help).to.contain('--option maxClockSkewMs=VALUE')
      expect(help).to.contain('push        holds device registrations')
      expect(help).to.contain('--option gateway=VALUE')
    })

    it('behavior: rdisc --help lists every command; rdisc alone prints it on stderr and exits 2', async () => {
      const [help, bare, version] = await Promise.all([rdisc(['--help']), rdisc([]), rdisc(['--version'])])
      expect(help.code).to.equal(0)
      for (const command of COMMANDS) {
        expect(help.stdout).to.contain(`  ${command.name} `)
      }
      expect(bare.code).to.equal(2)
      expect(bare.stdout).to.equal('')
      expect(bare.stderr).to.contain('Usage: rdisc <command>')
      expect(version.code).to.equal(0)
      expect(version.stdout).to.match(/^\d+\.\d+\.\d+\n$/)
    })
  })

  describe('errors', () => {
    it('error: an unknown command exits 2 naming the commands', async () => {
      const exit = await rdisc(['frobnicate'])
      expect(exit.code).to.equal(2)
      expect(errorLine(exit)).to.match(/^rdisc: unknown command "frobnicate" \(commands: chain, keygen, registry, dns-tree, bootnode, serve, find, daemon, demo\)/)
      const sub = await rdisc(['registry', 'destroy'])
      expect(sub.code).to.equal(2)
      expect(errorLine(sub)).to.contain('unknown command "registry destroy" (commands: registry deploy,')
    })

    it('error: an unknown flag, a missing argument or an extra one exits 2', async () => {
      const [flag, missing, extra, group] = await Promise.all([
        rdisc(['find', 'mailserver', '--frob']),
        rdisc(['serve']),
        rdisc(['find', 'mailserver', 'push']),
        rdisc(['registry'])
      ])
      expect(flag.code).to.equal(2)
      expect(errorLine(flag)).to.equal('rdisc: find: unknown option --frob. See `rdisc find --help`')
      expect(missing.code).to.equal(2)
      expect(errorLine(missing)).to.contain('serve needs <kind>')
      expect(extra.code).to.equal(2)
      expect(errorLine(extra)).to.contain('find: unexpected argument "push"')
      expect(group.code).to.equal(2)
      expect(errorLine(group)).to.contain('registry needs a command (deploy, add-provider, apply,')
    })

    it('error: an unknown flag suggests the command\'s nearest ones: a typo, or a port flag without its protocol', async () => {
      const [daemon, serve, chain, typo, json] = await Promise.all([
        rdisc(['daemon', '--port', '8645']),
        rdisc(['serve', 'mailserver', '--port=4001']),
        rdisc(['chain', '--http-port', '8545']),
        rdisc(['find', 'mailserver', '--bootnod', 'enr:-x']),
        rdisc(['daemon', '--port', '8645', '--json'])
      ])
      expect(daemon.code).to.equal(2)
      expect(errorLine(daemon)).to.equal('rdisc: daemon: unknown option --port. Did you mean --http-port? See `rdisc daemon --help`')
      expect(errorLine(serve)).to.equal('rdisc: serve: unknown option --port. Did you mean --ws-port or --tcp-port or --udp-port? See `rdisc serve --help`')
      expect(errorLine(chain)).to.equal('rdisc: chain: unknown option --http-port. Did you mean --port? See `rdisc chain --help`')
      expect(errorLine(typo)).to.equal('rdisc: find: unknown option --bootnod. Did you mean --bootnode? See `rdisc find --help`')
      expect(json.code).to.equal(2)
      expect(parseJson(json)).to.deep.equal({ error: { name: 'UnknownOptionError', message: 'daemon: unknown option --port. Did you mean --http-port? See `rdisc daemon --help`', exitCode: 2 } })
    })

    it('error: an unknown kind exits 2 naming the known kinds, for clients and for servers', async () => {
      const [find, serve] = await Promise.all([
        rdisc(['find', 'gopher']),
        rdisc(['serve', 'gopher'])
      ])
      expect(find.code).to.equal(2)
      expect(errorLine(find)).to.contain('unknown resource kind "gopher" (known kinds: mailserver, push)')
      expect(serve.code).to.equal(2)
      expect(errorLine(serve)).to.contain('no plugin runs a server of kind "gopher" (known kinds: mailserver, push)')
    })

    it('error: a bad ENR in --server exits 2 with what is wrong with it', async () => {
      const exit = await rdisc(['find', 'mailserver', '--server', 'enr:-not-a-record'])
      expect(exit.code).to.equal(2)
      expect(errorLine(exit)).to.match(/^rdisc: --server: Invalid ENR: .*Expected the text form of an EIP-778 node record/)
    })

    it('error: a bad --selector exits 2 naming the strategy and what is wrong', async () => {
      const [badOption, noKind, unknownKind] = await Promise.all([
        rdisc(['daemon', '--selector', 'mailserver=latency:speed=1']),
        rdisc(['daemon'], { env: { RDISC_SELECTORS: 'sticky' } }),
        rdisc(['daemon', '--selector', 'ftp=random'])
      ])
      expect(badOption.code).to.equal(2)
      expect(errorLine(badOption)).to.match(/^rdisc: --selector: .*latency: unknown option "speed"/)
      expect(noKind.code).to.equal(2)
      expect(errorLine(noKind)).to.contain('is not KIND=SPEC')
      expect(unknownKind.code).to.equal(2)
      expect(errorLine(unknownKind)).to.match(/ftp/)
    })

    it('error: a malformed number names the flag or the environment variable', async () => {
      const [flag, env] = await Promise.all([
        rdisc(['bootnode', '--udp-port', 'abc']),
        rdisc(['bootnode'], { env: { RDISC_UDP_PORT: '99999' } })
      ])
      expect(flag.code).to.equal(2)
      expect(errorLine(flag)).to.equal('rdisc: --udp-port: expected a whole number, got "abc"')
      expect(env.code).to.equal(2)
      expect(errorLine(env)).to.equal('rdisc: RDISC_UDP_PORT: expected a number from 0 to 65535, got 99999')
    })

    it('error: a missing or malformed key file exits 2 naming the flag and the file', async () => {
      const missing = join(dir, 'missing.key')
      const badHex = join(dir, 'bad-hex.key')
      const [noFile, notHex] = await Promise.all([
        rdisc(['registry', 'deploy', '--rpc-url', 'http://127.0.0.1:1', '--curator-key-file', missing]),
        rdisc(['registry', 'deploy', '--rpc-url', 'http://127.0.0.1:1'], { env: { RDISC_KEY_FILE: badHex } })
      ])
      expect(noFile.code).to.equal(2)
      expect(errorLine(noFile)).to.match(new RegExp(`^rdisc: --curator-key-file ${missing}: no such file\\. A key file holds one secp256k1 private key`))
      expect(notHex.code).to.equal(2)
      expect(errorLine(notHex)).to.contain(`RDISC_KEY_FILE ${badHex}: is not hex`)
    })

    it('error: an --rpc-url of a server that is no JSON-RPC endpoint exits 1 with one line naming the flag, without ethers\' details', async function () {
      this.timeout(60_000)
      const html = createHttpServer((_request, response) => { response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>not an RPC endpoint</body></html>') })
      await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve))
      try {
        const address = html.address()
        const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
        const registryArgs = ['--rpc-url', url, '--registry', REGISTRIES[0]!, '--trust', PROVIDER]
        const [list, verbose] = await Promise.all([
          rdisc(['registry', 'list', ...registryArgs.slice(0, 4)]),
          rdisc(['registry', 'list', ...registryArgs.slice(0, 4), '--verbose'])
        ])
        expect(list.code).to.equal(1)
        expect(errorLine(list)).to.equal(`rdisc: The Ethereum JSON-RPC endpoint ${url} is unavailable: eth_chainId failed (response body is not valid JSON). Check that --rpc-url (or RDISC_RPC_URL) names the JSON-RPC endpoint of a running Ethereum node: scheme, host, port and path`)
        expect(verbose.stderr, '--verbose keeps the details').to.contain('code=UNSUPPORTED_OPERATION')
        // the daemon starts anyway; its warning and the verifier's logged retries carry no ethers details and no stack
        const daemon = spawnRdisc(['daemon', '--http-port', '0', '--data-dir', dir, ...registryArgs])
        const logged = (): string[] => daemon.stderr.split('\n').filter((line) => line.includes(' component=registry-verifier '))
        await daemon.waitFor(() => logged().length >= 2 ? true : undefined, 'two registry-verifier log lines')
        expect(daemon.stderr).to.contain(`checking the registry ${REGISTRIES[0]!} at ${url}\n`)
        const warning = daemon.stderr.split('\n').find((line) => line.startsWith('rdisc: warning: The Ethereum JSON-RPC endpoint'))
        expect(warning, daemon.stderr).to.equal(`rdisc: warning: The Ethereum JSON-RPC endpoint ${url} is unavailable: eth_chainId failed (response body is not valid JSON); starting anyway: servers the registry vouches for stay untrusted until the endpoint answers`)
        for (const line of logged()) {
          expect(line).to.match(/^rdisc: warning: .* err="RpcUnavailableError: The Ethereum JSON-RPC endpoint /)
          expect(line).to.not.match(/operation=|version=|code=|request=\{/)
        }
        expect(daemon.stderr, 'no stack without --verbose').to.not.contain('    at ')
        await daemon.stop()
        const verboseDaemon = spawnRdisc(['daemon', '--http-port', '0', '--data-dir', dir, ...registryArgs, '--verbose'])
        await verboseDaemon.waitFor(() => verboseDaemon.stderr.includes(' component=registry-verifier ') ? true : undefined, 'a registry-verifier log line')
        expect(verboseDaemon.stderr, '--verbose logs keep the stack').to.match(/ component=registry-verifier .*\n {4}at /)
      } finally {
        html.close()
      }
    })

    it('error: an unreachable RPC endpoint exits 1 with one line naming the URL; --verbose adds the stack', async () => {
      const url = `http://127.0.0.1:${await unusedTcpPort()}`
      const args = ['registry', 'list', '--rpc-url', url, '--registry', REGISTRIES[0]!]
      const [exit, verbose] = await Promise.all([rdisc(args), rdisc([...args, '--verbose'])])
      expect(exit.code).to.equal(1)
      expect(errorLine(exit)).to.match(new RegExp(`^rdisc: The Ethereum JSON-RPC endpoint ${url} is unavailable: .*Check that --rpc-url \\(or RDISC_RPC_URL\\) names the JSON-RPC endpoint of a running Ethereum node`))
      expect(exit.stderr, 'no stack without --verbose').to.not.contain('    at ')
      expect(verbose.code).to.equal(1)
      expect(verbose.stderr).to.contain('RpcUnavailableError: The Ethereum JSON-RPC endpoint')
      expect(verbose.stderr).to.contain('    at ')
    })

    it('error: with --json, an error is also one JSON document on stdout', async () => {
      const exit = await rdisc(['find', 'mailserver', '--timeout', 'soon', '--json'])
      expect(exit.code).to.equal(2)
      const document = parseJson(exit) as { error: { name: string, message: string, exitCode: number } }
      expect(document.error).to.deep.equal({ name: 'InvalidOptionValueError', message: '--timeout: expected a duration (5000, 500ms, 5s, 1m), got "soon"', exitCode: 2 })
    })
  })

  describe('configuration', () => {
    it('behavior: a flag beats the environment, which beats the config file (one run, each setting from another layer)', async () => {
      const configPath = join(dir, 'rdisc.json')
      // registry: in all three layers; chain id: in the file and the environment; node key file: in the file only
      await writeFile(configPath, JSON.stringify({ registry: REGISTRIES[0], chainId: 1, nodeKeyFile: 'node.key' }))
      const exit = await rdisc(
        ['registry', 'consent', '--kind', 'mailserver', '--provider', PROVIDER, '--registry', REGISTRIES[2]!, '--nonce', '0', '--json'],
        { env: { RDISC_CONFIG: configPath, RDISC_REGISTRY: REGISTRIES[1], RDISC_CHAIN_ID: '31337' } }
      )
      expect(exit.code, exit.stderr).to.equal(0)
      const consent = parseJson(exit)
      expect(consent.registry).to.equal(REGISTRIES[2])
      expect(consent.chainId).to.equal(31337)
      // the key file named in the config file was found next to it: the node id is that key's
      expect(consent.nodeId).to.equal(`0x${parseNodePrivateKey(NODE_KEY).nodeId}`)
      expect(consent.signature).to.match(/^0x[0-9a-f]{130}$/)
    })

    it('error: an unknown key in the config file exits 2 naming the key and the file', async () => {
      const configPath = join(dir, 'typo.json')
      await writeFile(configPath, JSON.stringify({ rpcURL: 'http://127.0.0.1:8545' }))
      const exit = await rdisc(['registry', 'list', '--config', configPath])
      expect(exit.code).to.equal(2)
      expect(errorLine(exit)).to.contain(`config file ${configPath}: unknown key "rpcURL"`)
    })
  })

  describe('plugins', () => {
    it('behavior: --plugin loads a plugin module, and a module that is missing or exports no rdiscPlugin exits 2', async () => {
      // the fixture plugins are TypeScript: rdisc loads them through tsx's loader
      const [help, missing, notPlugin] = await Promise.all([
        rdisc(['serve', '--help', '--plugin', 'packages/cli/test/fixtures/echo-plugin.ts'], { command: RDISC_SOURCE_COMMAND }),
        rdisc(['serve', 'echo', '--plugin', './no-such-plugin.ts'], { command: RDISC_SOURCE_COMMAND }),
        rdisc(['serve', 'echo'], { command: RDISC_SOURCE_COMMAND, env: { RDISC_PLUGINS: 'packages/cli/test/fixtures/not-a-plugin.ts' } })
      ])
      expect(help.code, help.stderr).to.equal(0)
      expect(help.stdout).to.contain('echo        answers each message with itself (test plugin)')
      expect(help.stdout).to.contain('--option prefix=VALUE')
      expect(missing.code).to.equal(2)
      expect(errorLine(missing)).to.contain('plugin ./no-such-plugin.ts: cannot be found at ')
      expect(notPlugin.code).to.equal(2)
      expect(errorLine(notPlugin)).to.contain('plugin packages/cli/test/fixtures/not-a-plugin.ts: the module does not export `rdiscPlugin`')
    })
  })
})
