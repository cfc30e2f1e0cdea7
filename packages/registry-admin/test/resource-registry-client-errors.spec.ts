import {
  AbortError,
  createRpcProvider,
  InvalidRegistryArgumentError,
  RegistryNotDeployedError,
  RegistryRevertError,
  ResourceRegistryClient,
  RpcUnavailableError,
  SignerRequiredError,
  TransactionNotMinedError,
  TransactionRevertedError,
  resourceRegistryInterface,
  waitForReceipt
} from '@resource-discovery/registry-admin'
import { rejection, unusedTcpPort } from '@resource-discovery/testkit'
import { expect } from 'chai'
import { Wallet } from 'ethers'
import { MAILSERVER, expectRevert, startRegistryFixture, type RegistryFixture } from './registry-fixture.js'

/** A loopback port nothing listens on (bound once, then released). */
describe('ResourceRegistryClient errors', () => {
  let fx: RegistryFixture
  let registry: ResourceRegistryClient

  before(async () => { fx = await startRegistryFixture() })
  after(async () => { await fx.stop() })
  beforeEach(async () => { registry = await fx.deploy() })

  it('error: a revert names the custom error, its arguments and what to do', async () => {
    const error = await expectRevert(registry.connect(fx.mallory).approveProvider(fx.alice.address), 'NotCurator')
    expect(error.name).to.equal('RegistryRevertError')
    expect(error.method).to.equal('approveProvider')
    expect(error.args).to.deep.equal({ caller: fx.mallory.address })
    expect(error.shortMessage).to.equal(`approveProvider reverted with NotCurator(caller=${fx.mallory.address})`)
    expect(error.message).to.contain('send the transaction from the curator')
    expect(error.data.startsWith('0x')).to.equal(true)
    expect(error.cause).to.be.instanceOf(Error)
  })

  it('error: a transaction mined and reverted (no gas estimate to catch it first) is a TransactionRevertedError naming it', async () => {
    // a gas limit given by hand skips the estimate that would revert with the reason: the transaction is mined and fails
    const data = resourceRegistryInterface.encodeFunctionData('approveProvider', [fx.alice.address])
    const response = await fx.mallory.sendTransaction({ to: registry.address, data, gasLimit: 100_000n })
    const error = await rejection(waitForReceipt(response, 'approveProvider', 10_000))
    expect(error).to.be.instanceOf(TransactionRevertedError)
    const reverted = error as TransactionRevertedError
    expect(reverted.method).to.equal('approveProvider')
    expect(reverted.transactionHash).to.equal(response.hash)
    expect(reverted.blockNumber).to.equal((await fx.provider.getTransactionReceipt(response.hash))?.blockNumber)
    expect(reverted.message).to.contain(response.hash).and.contain('Call it again')
  })

  it('error: a transaction not mined in time is a TransactionNotMinedError naming it', async () => {
    await fx.chain.request('evm_setAutomine', [false])
    try {
      const response = await fx.curator.sendTransaction({ to: fx.mallory.address, value: 1n })
      const error = await rejection(waitForReceipt(response, 'transfer', 300))
      expect(error).to.be.instanceOf(TransactionNotMinedError)
      expect((error as TransactionNotMinedError).transactionHash).to.equal(response.hash)
      expect((error as TransactionNotMinedError).timeoutMs).to.equal(300)
    } finally {
      await fx.chain.request('evm_setAutomine', [true])
      await fx.chain.mine(1)
    }
  })

  it('error: enum arguments of a revert are shown as status names', async () => {
    await registry.addProvider(fx.alice.address, 'alice', '')
    const error = await expectRevert(registry.approveProvider(fx.alice.address), 'ProviderNotPending')
    expect(error.args).to.deep.equal({ provider: fx.alice.address, status: 'approved' })
    expect(error.message).to.contain('status=approved')
  })

  it('error: calling an address without a contract throws RegistryNotDeployedError', async () => {
    const nowhere = new ResourceRegistryClient(fx.mallory.address, fx.provider)
    const error = await rejection(nowhere.providerCount())
    expect(error).to.be.instanceOf(RegistryNotDeployedError)
    expect((error as RegistryNotDeployedError).address).to.equal(fx.mallory.address)
  })

  it('error: a transaction through a client without a signer throws SignerRequiredError', async () => {
    const readOnly = new ResourceRegistryClient(registry.address, fx.provider)
    expect(await readOnly.curator(), 'reads work').to.equal(fx.curator.address)
    const error = await rejection(readOnly.applyAsProvider('x', ''))
    expect(error).to.be.instanceOf(SignerRequiredError)
    expect(await registry.providerCount()).to.equal(0)
  })

  it('error: an unreachable endpoint throws RpcUnavailableError for reads and transactions', async () => {
    const port = await unusedTcpPort()
    const rpcUrl = `http://127.0.0.1:${port}`
    const deadProvider = await createRpcProvider(rpcUrl, { chainId: fx.chain.chainId, timeoutMs: 2_000 })
    try {
      const dead = new ResourceRegistryClient(registry.address, new Wallet(fx.alice.privateKey, deadProvider), { rpcUrl })
      for (const action of [dead.providerCount(), dead.applyAsProvider('x', '')]) {
        const error = await rejection(action)
        expect(error).to.be.instanceOf(RpcUnavailableError)
        expect((error as RpcUnavailableError).rpcUrl).to.equal(rpcUrl)
        expect((error as RpcUnavailableError).message).to.contain('ECONNREFUSED')
      }
    } finally {
      deadProvider.destroy()
    }
  })

  it('error: createRpcProvider rejects unreachable endpoints and non-http URLs', async () => {
    const port = await unusedTcpPort()
    const error = await rejection(createRpcProvider(`http://127.0.0.1:${port}`, { timeoutMs: 2_000 }))
    expect(error).to.be.instanceOf(RpcUnavailableError)
    const bad = await rejection(createRpcProvider('ws://127.0.0.1:1'))
    expect(bad).to.be.instanceOf(InvalidRegistryArgumentError)
    const live = await createRpcProvider(fx.chain.rpcUrl)
    try {
      expect((await live.getNetwork()).chainId, 'asks the chain id when not given').to.equal(BigInt(fx.chain.chainId))
    } finally {
      live.destroy()
    }
  })

  it('error: an aborted signal rejects with AbortError and sends nothing', async () => {
    const controller = new AbortController()
    controller.abort()
    const alice = registry.connect(fx.alice)
    for (const action of [alice.applyAsProvider('a', '', { signal: controller.signal }), alice.providerCount({ signal: controller.signal })]) {
      const error = await rejection(action)
      expect(error).to.be.instanceOf(AbortError)
      expect((error as AbortError).name).to.equal('AbortError')
    }
    expect(await registry.providerCount()).to.equal(0)
  })

  it('args: malformed ids and addresses are refused before any call', async () => {
    for (const action of [
      registry.isRegistered('mailserver', MAILSERVER, fx.alice.address),
      registry.isRegistered(MAILSERVER, '0x1234', fx.alice.address),
      registry.checkResources(MAILSERVER, [MAILSERVER], ['alice']),
      registry.listProviders(-1, 10)
    ]) {
      expect(await rejection(action)).to.be.instanceOf(InvalidRegistryArgumentError)
    }
    expect(() => new ResourceRegistryClient('registry', fx.provider)).to.throw(InvalidRegistryArgumentError)
    expect(() => new ResourceRegistryClient(registry.address, fx.provider, { checkBatchSize: 0 })).to.throw(InvalidRegistryArgumentError)
  })

  it('behavior: RegistryRevertError is the class of every revert, whatever the function', async () => {
    const error = await expectRevert(registry.connect(fx.alice).removeResource(MAILSERVER, MAILSERVER), 'ResourceNotRegistered')
    expect(error).to.be.instanceOf(RegistryRevertError)
    expect(error.message).to.contain('has not registered this node')
  })
})
