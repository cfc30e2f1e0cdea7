import { stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname } from 'node:path'
import { expect } from 'chai'
import { LocalNetworkResources, throwIfStopFailed, type Stoppable } from '../src/local-network-resources.js'

async function exists (path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false)
}

/** A part that logs its stop (and whether the data directory was still there), and fails it if asked. */
function part (log: string[], name: string, options: { fails?: boolean, dataDir?: () => string | undefined } = {}): Stoppable {
  return {
    stop: async () => {
      const dataDir = options.dataDir?.()
      log.push(dataDir === undefined ? name : `${name} (dir ${await exists(dataDir) ? 'there' : 'gone'})`)
      if (options.fails === true) {
        throw new Error(`${name} failed to stop`)
      }
    }
  }
}

describe('LocalNetworkResources', () => {
  it('behavior: release stops the servers (each server before its service), then the bootnode, the ethers provider, the chain, and removes the directory last', async () => {
    const resources = new LocalNetworkResources()
    const log: string[] = []
    const dataDir = await resources.makeDataDir()
    expect(dirname(dataDir)).to.equal(tmpdir())
    expect(basename(dataDir)).to.match(/^rd-devnet-/)
    // held in the order a start may hold them, which is not the order they stop in
    resources.holdChain(part(log, 'chain', { dataDir: () => dataDir }))
    resources.holdBootnode(part(log, 'bootnode'))
    resources.holdServer('mail-1', part(log, 'server mail-1')).service = part(log, 'service mail-1')
    resources.holdEthers({ destroy: () => { log.push('ethers') } })
    expect(await resources.release()).to.deep.equal([])
    expect(log).to.deep.equal(['server mail-1', 'service mail-1', 'bootnode', 'ethers', 'chain (dir there)'])
    expect(await exists(dataDir)).to.equal(false)
  })

  it('error: a stop that throws does not keep the rest from stopping, and release returns every failure', async () => {
    const resources = new LocalNetworkResources()
    const log: string[] = []
    const dataDir = await resources.makeDataDir()
    resources.holdChain(part(log, 'chain'))
    resources.holdBootnode(part(log, 'bootnode', { fails: true }))
    resources.holdEthers({ destroy: () => { throw new Error('ethers failed to stop') } })
    resources.holdServer('mail-1', part(log, 'server mail-1', { fails: true })).service = part(log, 'service mail-1', { fails: true })
    resources.holdServer('mail-2', part(log, 'server mail-2'))
    const failures = await resources.release()
    expect(failures.map((failure) => (failure as Error).message)).to.have.members([
      'server mail-1 failed to stop', 'service mail-1 failed to stop', 'bootnode failed to stop', 'ethers failed to stop'
    ])
    expect(log).to.include.members(['service mail-1', 'server mail-2', 'chain'])
    expect(await exists(dataDir)).to.equal(false)
  })

  it('behavior: a second release stops nothing again', async () => {
    const resources = new LocalNetworkResources()
    const log: string[] = []
    resources.holdChain(part(log, 'chain'))
    resources.holdServer('mail-1', part(log, 'server mail-1'))
    await resources.release()
    await resources.release()
    expect(log).to.deep.equal(['server mail-1', 'chain'])
    expect(resources.holdsServer('mail-1')).to.equal(false)
  })

  it('behavior: stopServer stops that server and lets go of it, and returns its failures', async () => {
    const resources = new LocalNetworkResources()
    const log: string[] = []
    resources.holdServer('mail-1', part(log, 'server mail-1', { fails: true }))
    resources.holdServer('mail-2', part(log, 'server mail-2'))
    expect(resources.holdsServer('mail-1')).to.equal(true)
    const failures = await resources.stopServer('mail-1')
    expect(failures.map((failure) => (failure as Error).message)).to.deep.equal(['server mail-1 failed to stop'])
    expect(resources.holdsServer('mail-1')).to.equal(false)
    expect(await resources.stopServer('mail-1')).to.deep.equal([])
    await resources.release()
    expect(log).to.deep.equal(['server mail-1', 'server mail-2'])
  })
})

describe('throwIfStopFailed', () => {
  it('behavior: throws nothing for no failure, the failure itself for one, an AggregateError for more', () => {
    expect(() => { throwIfStopFailed([], 'did not stop') }).to.not.throw()
    const one = new Error('one')
    expect(() => { throwIfStopFailed([one], 'did not stop') }).to.throw(one)
    const two = new Error('two')
    expect(() => { throwIfStopFailed([one, two], 'did not stop') }).to.throw(AggregateError, 'did not stop').with.property('errors').that.deep.equals([one, two])
  })
})
