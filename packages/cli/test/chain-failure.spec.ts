import { AnvilExitedError, AnvilNotFoundError, startDevChain } from '@resource-discovery/devchain'
import { expect } from 'chai'
import { chainStartFailure } from '../src/commands/chain-failure.js'
import { optionSpec, type OptionName } from '../src/config/options.js'
import { ChainStartError } from '../src/errors.js'

/** How `rdisc chain` names its options when they come from flags. */
const flagOf = (name: string): string => optionSpec(name as OptionName).flag

/** What a real start of anvil with `options` throws. */
async function startFailure (options: Parameters<typeof startDevChain>[0]): Promise<unknown> {
  try {
    const chain = await startDevChain(options)
    await chain.stop()
  } catch (err) {
    return err
  }
  throw new Error('anvil started')
}

describe('chainStartFailure', function () {
  this.timeout(30_000)

  it('error: a value anvil refuses names the rdisc flag to change, not startDevChain (which the library error names)', async () => {
    // anvil cannot turn 1e300 s into a duration; rdisc's --block-time stops short of it, the library does not
    const err = await startFailure({ blockTimeSeconds: 1e300 })
    expect(err).to.be.instanceOf(AnvilExitedError)
    expect((err as AnvilExitedError).option).to.equal('blockTimeSeconds')
    expect((err as Error).message, 'the library\'s advice names its own option').to.contain('startDevChain\'s `blockTimeSeconds` option')
    const failure = chainStartFailure(err, flagOf)
    expect(failure).to.be.instanceOf(ChainStartError)
    expect(failure?.flag).to.equal('--block-time')
    expect(failure?.message).to.match(/^--block-time: anvil refused the value \(error: invalid value '1e\+300' for '--block-time <SECONDS>': [^\n]*\)\. Change --block-time$/)
    expect(failure?.message).to.not.contain('startDevChain')
    expect(failure?.cause).to.equal(err)
  })

  it('error: a missing anvil binary says that anvil cannot run here, with no flag to change', async () => {
    const err = await startFailure({ anvilPath: '/nonexistent/anvil' })
    expect(err).to.be.instanceOf(AnvilNotFoundError)
    const failure = chainStartFailure(err, flagOf)
    expect(failure?.flag).to.equal(undefined)
    expect(failure?.message).to.match(/^anvil cannot run on this machine: The anvil binary at \/nonexistent\/anvil is missing or not executable\. rdisc runs the anvil binary of the npm package @foundry-rs\/anvil-<platform>-<arch> that `npm install` installs for this machine [^\n]*--rpc-url$/)
    expect(failure?.message).to.not.match(/startDevChain|anvilPath|connectDevChain/)
  })

  it('error: a platform without an anvil package names --rpc-url, not the library\'s connectDevChain', () => {
    const err = new AnvilNotFoundError({ reason: 'unsupported-platform', platform: 'freebsd', arch: 'x64' })
    expect(err.message, 'the library names its own way').to.contain('connectDevChain(rpcUrl)')
    const failure = chainStartFailure(err, flagOf)
    expect(failure?.message).to.match(/^anvil cannot run on this machine: Foundry publishes no anvil npm package for freebsd-x64\. [^\n]* give its URL to the other commands as --rpc-url$/)
    expect(failure?.message).to.not.match(/startDevChain|anvilPath|connectDevChain/)
  })

  it('error: anvil exiting for another reason names every chain flag and anvil itself; the demo (no flags) only anvil', async () => {
    const err = await startFailure({ extraArgs: ['--no-such-anvil-flag'] })
    expect(err).to.be.instanceOf(AnvilExitedError)
    const failure = chainStartFailure(err, flagOf)
    expect(failure?.flag).to.equal(undefined)
    expect(failure?.message).to.match(/^anvil exited with code 2 before it was ready \(error: unexpected argument '--no-such-anvil-flag' found\)\. If it names a value, change --chain-id, --accounts, --block-time, --port; else anvil itself may not run on this machine: /)
    expect(failure?.message).to.not.contain('startDevChain')
    expect(chainStartFailure(err)?.message).to.match(/^anvil exited with code 2 before it was ready \([^)]*\)\. anvil itself may not run on this machine: /)
    expect(chainStartFailure(new Error('something else'), flagOf)).to.equal(undefined)
  })
})
