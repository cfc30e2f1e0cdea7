import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unusedTcpPort } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { rdisc, spawnRdisc, stopAllRdisc } from './support/rdisc-process.js'

/** The first two accounts of the well-known test mnemonic. */
const DEV_ACCOUNTS = [
  { address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', privateKey: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80' },
  { address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', privateKey: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d' }
]

async function chainIdAt (rpcUrl: string): Promise<string> {
  const response = await fetch(rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }) })
  return ((await response.json()) as { result: string }).result
}

interface ChainDocument {
  rpcUrl: string
  chainId: number
  accounts: Array<{ address: string, privateKey: string, keyFile?: string }>
  warning: string
  exports: string[]
}

describe('rdisc chain', function () {
  this.timeout(30_000)
  let dir: string

  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'rdisc-chain-')) })
  afterEach(async () => {
    await stopAllRdisc()
    await rm(dir, { recursive: true, force: true })
  })

  it('behavior: prints the RPC URL, the chain id and the public dev keys (written to --key-dir), and stops anvil on SIGTERM with exit 0', async () => {
    const chain = spawnRdisc(['chain', '--json', '--accounts', '2', '--key-dir', join(dir, 'keys')])
    const document = await chain.json<ChainDocument>()
    expect(document.rpcUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(document.chainId).to.equal(31337)
    expect(await chainIdAt(document.rpcUrl)).to.equal('0x7a69')
    expect(document.accounts.map(({ address, privateKey }) => ({ address, privateKey }))).to.deep.equal(DEV_ACCOUNTS)
    expect(document.warning).to.contain('their keys are public')
    for (const [index, account] of document.accounts.entries()) {
      expect(account.keyFile).to.equal(join(dir, 'keys', `account-${index}.key`))
      expect((await readFile(account.keyFile!, 'utf8')).trim()).to.equal(account.privateKey)
      expect((await stat(account.keyFile!)).mode & 0o777).to.equal(0o600)
    }
    expect(document.exports).to.deep.equal([
      `export RDISC_RPC_URL=${document.rpcUrl}`,
      `export RDISC_CURATOR_KEY_FILE=${join(dir, 'keys', 'account-0.key')}`,
      `export RDISC_PROVIDER_KEY_FILE=${join(dir, 'keys', 'account-1.key')}`
    ])

    const exit = await chain.stop('SIGTERM')
    expect(exit.code, exit.stderr).to.equal(0)
    expect(exit.stderr).to.contain('stopping the chain')
    const after = await chainIdAt(document.rpcUrl).then(() => 'answered', () => 'refused')
    expect(after, 'anvil is gone').to.equal('refused')
  })

  it('behavior: --port gives the chain a fixed port; the text output has the keys and export lines; SIGINT stops it', async () => {
    const port = await unusedTcpPort()
    const chain = spawnRdisc(['chain', '--port', String(port), '--accounts', '1'])
    const rpcUrl = `http://127.0.0.1:${port}`
    await chain.waitFor(() => chain.stdout.includes(`export RDISC_RPC_URL=${rpcUrl}\n`) ? true : undefined, 'the export line')
    expect(chain.stdout).to.contain(`anvil dev chain at ${rpcUrl}, chain id 31337`)
    expect(chain.stdout).to.contain(`account 0  ${DEV_ACCOUNTS[0]!.address}  ${DEV_ACCOUNTS[0]!.privateKey}`)
    expect(chain.stdout).to.contain('well-known test mnemonic')
    expect(await chainIdAt(rpcUrl)).to.equal('0x7a69')
    const exit = await chain.stop('SIGINT')
    expect(exit.code, exit.stderr).to.equal(0)
  })

  it('error: a chain value out of range exits 2 with one line naming the flag, not a library function', async () => {
    const [chainId, accounts] = await Promise.all([rdisc(['chain', '--chain-id', '0']), rdisc(['chain', '--accounts', '0'], { env: { RDISC_CHAIN_ACCOUNTS: undefined } })])
    expect(chainId.code).to.equal(2)
    expect(chainId.stderr).to.equal('rdisc: --chain-id: expected a number at least 1, got 0\n')
    expect(accounts.code).to.equal(2)
    expect(accounts.stderr).to.match(/^rdisc: --accounts: [^\n]*\n$/)
    expect(chainId.stderr + accounts.stderr).to.not.contain('startDevChain')
  })
})
