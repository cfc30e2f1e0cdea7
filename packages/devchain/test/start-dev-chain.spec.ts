import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  AbortError,
  AnvilExitedError,
  AnvilNotFoundError,
  connectDevChain,
  DEV_CHAIN_MNEMONIC,
  DevChainStartTimeoutError,
  InvalidDevChainOptionsError,
  JsonRpcError,
  RpcUnavailableError,
  startDevChain,
  type DevChain
} from '@resource-discovery/devchain'
import { rejection, unusedTcpPort } from '@resource-discovery/testkit'
import { expect } from 'chai'

/** anvil's well-known first account for the default mnemonic. */
const FIRST_DEV_ACCOUNT = {
  address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  privateKey: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80'
}

/** Whether anything answers on the rpcUrl's port. */
async function answers (rpcUrl: string): Promise<boolean> {
  try {
    await fetch(rpcUrl, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(2_000) })
    return true
  } catch {
    return false
  }
}

/** A fake "anvil" shell script, for start-up failures anvil itself never shows on demand. */
async function fakeAnvil (script: string): Promise<{ path: string, remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'devchain-test-'))
  const path = join(dir, 'anvil')
  await writeFile(path, `#!/bin/sh\n${script}\n`)
  await chmod(path, 0o755)
  return { path, remove: async () => { await rm(dir, { recursive: true, force: true }) } }
}

/** Past this many blocks anvil has written block states to disk (it keeps about 500 in memory, measured with anvil 1.7). */
const BLOCKS_PAST_MEMORY = 1_200
/** Where anvil writes block states unless told otherwise. */
const FOUNDRY_STATE_DIR = join(homedir(), '.foundry', 'anvil', 'tmp')
const EXIT_CHILD = fileURLToPath(new URL('./fixtures/exit-without-stop-child.ts', import.meta.url))

/** The entries of `dir`, none if it does not exist. */
async function entries (dir: string): Promise<string[]> {
  try {
    return await readdir(dir)
  } catch {
    return []
  }
}

/** The state folders of dev chains (`rd-anvil-*`) in the system's temporary folder. */
async function stateFolders (): Promise<string[]> {
  return (await entries(tmpdir())).filter((name) => name.startsWith('rd-anvil-')).map((name) => join(tmpdir(), name))
}

/** The files under `dir`, at any depth. */
async function filesUnder (dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => entry.name)
  } catch {
    return []
  }
}

describe('startDevChain', () => {
  let chain: DevChain

  before(async () => { chain = await startDevChain({ chainId: 31338, accountCount: 3 }) })
  after(async () => { await chain.stop() })

  it('behavior: listens on 127.0.0.1 and answers JSON-RPC with the chosen chain id', async () => {
    expect(chain.rpcUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(chain.chainId).to.equal(31338)
    expect(await chain.request('eth_chainId')).to.equal('0x7a6a')
    expect(chain.managed).to.equal(true)
  })

  it('behavior: the accounts are deterministic, funded, and the ones anvil holds', async () => {
    expect(chain.accounts).to.have.length(3)
    expect(chain.accounts[0]).to.deep.equal(FIRST_DEV_ACCOUNT)
    const held = await chain.request('eth_accounts') as string[]
    expect(held.map(address => address.toLowerCase())).to.deep.equal(chain.accounts.map(account => account.address.toLowerCase()))
    for (const account of chain.accounts) {
      expect(BigInt(await chain.request('eth_getBalance', [account.address, 'latest']) as string)).to.equal(10_000n * 10n ** 18n)
    }
  })

  it('behavior: mine(n) mines n blocks at once', async () => {
    const before = BigInt(await chain.request('eth_blockNumber') as string)
    await chain.mine(7)
    expect(BigInt(await chain.request('eth_blockNumber') as string)).to.equal(before + 7n)
    await chain.mine()
    expect(BigInt(await chain.request('eth_blockNumber') as string)).to.equal(before + 8n)
  })

  it('error: a method the node lacks throws JsonRpcError with its code', async () => {
    const error = await rejection(chain.request('no_suchMethod'))
    expect(error).to.be.instanceOf(JsonRpcError)
    expect((error as JsonRpcError).code).to.equal(-32601)
    expect((error as JsonRpcError).method).to.equal('no_suchMethod')
  })

  it('args: mine refuses a non-positive block count', async () => {
    expect(await rejection(chain.mine(0))).to.be.instanceOf(InvalidDevChainOptionsError)
  })

  it('behavior: stop() kills anvil, frees the port, and is idempotent', async () => {
    const own = await startDevChain({ accountCount: 1, accountBalanceEth: 5 })
    expect(BigInt(await own.request('eth_getBalance', [own.accounts[0]?.address, 'latest']) as string)).to.equal(5n * 10n ** 18n)
    expect(own.rpcUrl).not.to.equal(chain.rpcUrl)
    expect(await answers(own.rpcUrl)).to.equal(true)
    const first = own.stop()
    const second = own.stop()
    expect(second).to.equal(first)
    await first
    await own.stop()
    expect(await answers(own.rpcUrl)).to.equal(false)
    expect(await rejection(own.request('eth_chainId'))).to.be.instanceOf(RpcUnavailableError)
  })

  describe('block states on disk', function () {
    this.timeout(60_000)

    it('behavior: anvil writes the states of older blocks into a folder of the chain\'s own, not ~/.foundry, and stop() removes it', async () => {
      const foundryBefore = await entries(FOUNDRY_STATE_DIR)
      const before = await stateFolders()
      const own = await startDevChain({ accountCount: 1 })
      let folder: string | undefined
      try {
        const made = (await stateFolders()).filter((dir) => !before.includes(dir))
        expect(made).to.have.length(1)
        folder = made[0] ?? ''
        await own.mine(BLOCKS_PAST_MEMORY)
        // anvil writes them in the background: wait until they are there
        const deadline = Date.now() + 10_000
        while ((await filesUnder(folder)).length === 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
        expect((await filesUnder(folder)).length).to.be.greaterThan(0)
        // the state of an old block is still read (from disk)
        expect(await own.request('eth_getBalance', [own.accounts[0]?.address, '0x1'])).to.match(/^0x[0-9a-f]+$/)
        expect((await entries(FOUNDRY_STATE_DIR)).filter((name) => !foundryBefore.includes(name))).to.deep.equal([])
      } finally {
        await own.stop()
      }
      expect(await stateFolders()).not.to.include(folder)
    })

    it('behavior: a process that exits without stop() takes anvil and its states folder with it', async () => {
      const foundryBefore = await entries(FOUNDRY_STATE_DIR)
      const before = await stateFolders()
      const child = spawn(process.execPath, ['--conditions=@resource-discovery/source', '--import', import.meta.resolve('tsx/esm'), EXIT_CHILD, String(BLOCKS_PAST_MEMORY)], { stdio: ['ignore', 'pipe', 'inherit'] })
      let stdout = ''
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
      const [code] = await once(child, 'exit') as [number | null]
      expect(code).to.equal(0)
      const rpcUrl = stdout.trim()
      expect(rpcUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(await answers(rpcUrl)).to.equal(false)
      expect((await stateFolders()).filter((dir) => !before.includes(dir))).to.deep.equal([])
      expect((await entries(FOUNDRY_STATE_DIR)).filter((name) => !foundryBefore.includes(name))).to.deep.equal([])
    })

    it('args: a --cache-path among extraArgs is the caller\'s: used as given, and left in place', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'devchain-test-cache-'))
      const before = await stateFolders()
      const own = await startDevChain({ accountCount: 1, extraArgs: ['--cache-path', dir] })
      try {
        expect((await stateFolders()).filter((folder) => !before.includes(folder))).to.deep.equal([])
        await own.mine(BLOCKS_PAST_MEMORY)
        const deadline = Date.now() + 10_000
        while ((await filesUnder(dir)).length === 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
        expect((await filesUnder(dir)).length).to.be.greaterThan(0)
      } finally {
        await own.stop()
      }
      expect(await entries(dir)).not.to.deep.equal([])
      await rm(dir, { recursive: true, force: true })
    })
  })

  it('args: blockTimeSeconds mines blocks on its own', async () => {
    const interval = await startDevChain({ accountCount: 1, blockTimeSeconds: 0.2 })
    try {
      const first = BigInt(await interval.request('eth_blockNumber') as string)
      await new Promise(resolve => setTimeout(resolve, 700))
      expect(BigInt(await interval.request('eth_blockNumber') as string) > first).to.equal(true)
    } finally {
      await interval.stop()
    }
  })

  it('args: invalid options are refused before anything is spawned', async () => {
    for (const options of [{ chainId: 0 }, { accountCount: 1.5 }, { startTimeoutMs: -1 }, { blockTimeSeconds: 0 }, { accountBalanceEth: -1 }, { mnemonic: 'not a mnemonic' }]) {
      expect(await rejection(startDevChain(options)), JSON.stringify(options)).to.be.instanceOf(InvalidDevChainOptionsError)
    }
  })

  it('error: a missing anvil binary throws AnvilNotFoundError (not-executable) naming connectDevChain', async () => {
    const error = await rejection(startDevChain({ anvilPath: '/nonexistent/anvil' }))
    expect(error).to.be.instanceOf(AnvilNotFoundError)
    expect(error).to.include({ reason: 'not-executable', path: '/nonexistent/anvil' })
    expect((error as AnvilNotFoundError).details).to.include({ path: '/nonexistent/anvil' })
    expect((error as Error).message).to.match(/^The anvil binary at \/nonexistent\/anvil is missing or not executable\. [^\n]*connectDevChain\(rpcUrl\)/)
  })

  it('error: anvil exiting at start throws AnvilExitedError with its stderr', async () => {
    const error = await rejection(startDevChain({ extraArgs: ['--no-such-flag'] }))
    expect(error).to.be.instanceOf(AnvilExitedError)
    expect((error as AnvilExitedError).exitCode).to.not.equal(0)
    expect((error as AnvilExitedError).stderr).to.contain('--no-such-flag')
    expect((error as AnvilExitedError).message).to.contain('--no-such-flag')
  })

  it('error: an anvil that never listens throws DevChainStartTimeoutError and is killed', async () => {
    const fake = await fakeAnvil('echo "starting up" >&2\nexec sleep 30')
    try {
      const started = Date.now()
      const error = await rejection(startDevChain({ anvilPath: fake.path, startTimeoutMs: 300 }))
      expect(error).to.be.instanceOf(DevChainStartTimeoutError)
      expect((error as DevChainStartTimeoutError).stage).to.equal('listening')
      expect((error as DevChainStartTimeoutError).stderr).to.contain('starting up')
      expect(Date.now() - started).to.be.below(5_000)
    } finally {
      await fake.remove()
    }
  })

  it('error: an anvil that listens but never answers JSON-RPC throws DevChainStartTimeoutError (json-rpc)', async () => {
    const port = await unusedTcpPort()
    const fake = await fakeAnvil(`echo "Listening on 127.0.0.1:${port}"\nexec sleep 30`)
    try {
      const error = await rejection(startDevChain({ anvilPath: fake.path, startTimeoutMs: 400 }))
      expect(error).to.be.instanceOf(DevChainStartTimeoutError)
      expect((error as DevChainStartTimeoutError).stage).to.equal('json-rpc')
    } finally {
      await fake.remove()
    }
  })

  it('error: aborting the start rejects with AbortError and kills anvil', async () => {
    const controller = new AbortController()
    const fake = await fakeAnvil('exec sleep 30')
    try {
      setTimeout(() => { controller.abort() }, 100)
      const error = await rejection(startDevChain({ anvilPath: fake.path, signal: controller.signal }))
      expect(error).to.be.instanceOf(AbortError)
    } finally {
      await fake.remove()
    }
    expect(await rejection(startDevChain({ signal: controller.signal }))).to.be.instanceOf(AbortError)
  })

  it('error: an abort while anvil is being found (before it listens) still rejects with AbortError, not after the start timeout', async () => {
    const controller = new AbortController()
    const fake = await fakeAnvil('exec sleep 30')
    try {
      const started = Date.now()
      const starting = startDevChain({ anvilPath: fake.path, signal: controller.signal, startTimeoutMs: 5_000 })
      // startDevChain is now awaiting the check of the binary, before it spawns anvil
      controller.abort()
      expect(await rejection(starting)).to.be.instanceOf(AbortError)
      expect(Date.now() - started).to.be.below(4_000)
    } finally {
      await fake.remove()
    }
  })
})

describe('connectDevChain', () => {
  let chain: DevChain

  before(async () => { chain = await startDevChain({ accountCount: 2 }) })
  after(async () => { await chain.stop() })

  it('behavior: wraps a running node; stop() leaves it running', async () => {
    const connected = await connectDevChain(chain.rpcUrl, { accountCount: 2 })
    expect(connected.chainId).to.equal(chain.chainId)
    expect(connected.managed).to.equal(false)
    expect(connected.accounts).to.deep.equal(chain.accounts)
    const before = BigInt(await chain.request('eth_blockNumber') as string)
    await connected.mine(2)
    expect(BigInt(await chain.request('eth_blockNumber') as string)).to.equal(before + 2n)
    await connected.stop()
    expect(await answers(chain.rpcUrl)).to.equal(true)
  })

  it('args: accounts come from privateKeys, or from another mnemonic', async () => {
    const fromKeys = await connectDevChain(chain.rpcUrl, { privateKeys: [FIRST_DEV_ACCOUNT.privateKey] })
    expect(fromKeys.accounts).to.deep.equal([FIRST_DEV_ACCOUNT])
    const other = await connectDevChain(chain.rpcUrl, { mnemonic: 'legal winner thank year wave sausage worth useful legal winner thank yellow', accountCount: 1 })
    expect(other.accounts[0]?.address).not.to.equal(FIRST_DEV_ACCOUNT.address)
    const same = await connectDevChain(chain.rpcUrl, { mnemonic: DEV_CHAIN_MNEMONIC, accountCount: 1 })
    expect(same.accounts).to.deep.equal([FIRST_DEV_ACCOUNT])
  })

  it('error: an unreachable endpoint throws RpcUnavailableError', async () => {
    const rpcUrl = `http://127.0.0.1:${await unusedTcpPort()}`
    const error = await rejection(connectDevChain(rpcUrl))
    expect(error).to.be.instanceOf(RpcUnavailableError)
    expect((error as RpcUnavailableError).rpcUrl).to.equal(rpcUrl)
  })

  it('args: a non-http URL or a bad private key throws InvalidDevChainOptionsError', async () => {
    expect(await rejection(connectDevChain('ws://127.0.0.1:8545'))).to.be.instanceOf(InvalidDevChainOptionsError)
    expect(await rejection(connectDevChain('not a url'))).to.be.instanceOf(InvalidDevChainOptionsError)
    const error = await rejection(connectDevChain(chain.rpcUrl, { privateKeys: ['0x1234'] }))
    expect(error).to.be.instanceOf(InvalidDevChainOptionsError)
    expect((error as InvalidDevChainOptionsError).details).to.include({ option: 'privateKeys[0]' })
  })
})
