/**
 * The ResourceRegistry contract against a model (`registry-model.ts`):
 * random sequences of every state-changing function, by every kind of
 * caller, on the compiled contract on anvil; after each step the outcome
 * (custom error and arguments, or events), the caller's right to cause it,
 * and every view must equal the model's prediction.
 *
 * Sizes: {@link QUICK_STEPS} steps under `npm test`, {@link FULL_STEPS}
 * under `npm run test:stress`. A failure prints fast-check's shrunk
 * counterexample (the commands by role) and the failing run resolved step
 * by step; rerun it with `RDISC_FUZZ_SEED=<seed> RDISC_FUZZ_PATH=<path>
 * RDISC_MODEL_REPLAY_PATH=<replayPath>` (the `replayPath` comment at the
 * end of the counterexample).
 *
 * The mutation tests (under `npm run test:stress`) show the comparison has
 * teeth: a model with one deliberate mistake, and a copy of the contract
 * compiled with one protection removed, are caught, and the counterexample
 * shrinks to a handful of steps.
 */
import { createRequire } from 'node:module'
import { readFile } from 'node:fs/promises'
import { expect } from 'chai'
import fc from 'fast-check'
import { ChainRegistry, ChainSession } from './registry-model-chain.js'
import { registryCommands, type ModelWorld } from './registry-model-commands.js'
import { MAX_UINT256, nodeMessageDigest, signNodeMessage, type NodeMessageType, type SignatureFlaw, type SigningSpec } from './registry-model-signing.js'
import { ACCOUNT_COUNT, Cast, checkAuthority, compareSnapshots } from './registry-model-world.js'
import { RegistryModel, type ModelMutant, type Outcome, type RegistryCall } from './registry-model.js'
import { STRESS, stressSize } from './stress.js'

/** Steps (calls) under `npm test`. */
const QUICK_STEPS = 500
/** Steps under `npm run test:stress`. */
const FULL_STEPS = 20_000
/** Longest command sequence of a mutation test's run: every mutant here shows within a few calls, and shrinking replays them. */
const MUTANT_MAX_COMMANDS = 100
/** The state-changing functions; each must succeed at least once in a run of the model test. */
const FUNCTIONS = [
  'applyAsProvider', 'addProvider', 'approveProvider', 'rejectProvider', 'suspendProvider', 'reinstateProvider', 'removeProvider',
  'proposeCurator', 'acceptCurator', 'addResource', 'removeResource', 'withdrawResource'
] as const
/** Longest command sequence of one run (one fresh registry each). */
const MAX_COMMANDS = stressSize(100, 400)

/** What a run is checked against: the compiled contract and the true model, unless a mutant is given. */
interface RunOptions {
  readonly mutant?: ModelMutant
  readonly bytecode?: string
}

interface RunReport {
  readonly steps: number
  readonly runs: number
  readonly seconds: number
  readonly stats: Map<string, Map<string, number>>
}

/** A one-place change of the contract's source that breaks one rule. */
interface ContractMutation {
  readonly name: string
  readonly find: string
  readonly replace: string
  /** Text the failure must hold besides the model's disagreement (e.g. a broken invariant). */
  readonly mustReport?: string
}

/** Each removes one protection; `find` must occur exactly once in contracts/ResourceRegistry.sol. */
const CONTRACT_MUTATIONS: readonly ContractMutation[] = [
  {
    name: 'a used signature does not consume the nonce',
    find: 'nodeNonce[nodeId] = expected + 1;',
    replace: ''
  },
  {
    name: 'checkResources counts suspended providers',
    find: 'if (record.status == ProviderStatus.Approved) {\n                approved[i] = true;',
    replace: 'if (record.status == ProviderStatus.Approved || record.status == ProviderStatus.Suspended) {\n                approved[i] = true;',
    // the check on the chain's answers alone (invariant 1) sees it too
    mustReport: 'invariant: checkResources'
  },
  {
    name: 'anyone accepts curatorship',
    find: 'if (msg.sender != pendingCurator) revert NotPendingCurator(msg.sender);',
    replace: ''
  },
  {
    name: 'a removed provider keeps its nodes',
    find: 'record.epoch += 1;',
    replace: ''
  },
  {
    name: 'anyone suspends a provider',
    find: 'function suspendProvider(address provider) external onlyCurator {',
    replace: 'function suspendProvider(address provider) external {'
  },
  {
    name: 'an expired signature is accepted',
    find: 'if (block.timestamp > deadline) revert SignatureExpired(deadline, block.timestamp);',
    replace: ''
  },
  {
    name: 'a withdrawal is checked as a consent (the message type is not bound)',
    find: 'nodeWithdrawalDigest(kindId, nodeId, provider, nonce, deadline), nodeId',
    replace: 'nodeConsentDigest(kindId, nodeId, provider, nonce, deadline), nodeId'
  }
]

describe('ResourceRegistry against its model (fast-check commands on anvil)', function () {
  this.timeout(STRESS ? 7_200_000 : 300_000)
  let session: ChainSession
  let cast: Cast

  before(async () => {
    session = await ChainSession.start(ACCOUNT_COUNT)
    cast = new Cast(session.chain.accounts)
  })

  after(async () => {
    await session.stop()
  })

  /** A fresh registry and model for one run. */
  function setup (world: Pick<ModelWorld, 'stats' | 'counter'>, options: RunOptions): () => Promise<{ model: RegistryModel, real: ModelWorld }> {
    return async () => {
      const curator = cast.accounts[0]!.address
      const registry = await ChainRegistry.deploy(session, curator, session.nextTimestamp(0), options.bytecode)
      const model = new RegistryModel({ domain: { chainId: session.chainId, registry: registry.address }, curator, ...(options.mutant === undefined ? {} : { mutant: options.mutant }) })
      return { model, real: { cast, registry, trace: [], stats: world.stats, counter: world.counter } }
    }
  }

  function property (world: Pick<ModelWorld, 'stats' | 'counter'>, options: RunOptions, maxCommands = MAX_COMMANDS): fc.IAsyncProperty<[Iterable<fc.AsyncCommand<RegistryModel, ModelWorld>>]> {
    return fc.asyncProperty(registryCommands(maxCommands, process.env.RDISC_MODEL_REPLAY_PATH), async (commands) => {
      await fc.asyncModelRun(setup(world, options), commands)
    })
  }

  /**
   * Runs fresh registries with random command sequences until `steps` calls
   * were made and each function succeeded at least once (or three times the
   * steps were made: the coverage check then fails). With a seed from the
   * environment, runs that one sequence only.
   */
  async function runModel (steps: number, options: RunOptions = {}): Promise<RunReport> {
    const world = { stats: new Map<string, Map<string, number>>(), counter: { steps: 0 } }
    const startedAt = performance.now()
    const seed = process.env.RDISC_FUZZ_SEED
    const path = process.env.RDISC_FUZZ_PATH
    const covered = (): boolean => FUNCTIONS.every((fn) => (world.stats.get(fn)?.get('ok') ?? 0) > 0)
    let runs = 0
    do {
      await fc.assert(property(world, options), {
        numRuns: 1,
        ...(seed === undefined ? {} : { seed: Number(seed) }),
        ...(path === undefined ? {} : { path })
      })
      runs++
    } while (seed === undefined && (world.counter.steps < steps || (!covered() && world.counter.steps < 3 * steps)))
    return { steps: world.counter.steps, runs, seconds: (performance.now() - startedAt) / 1000, stats: world.stats }
  }

  it(`behavior: ${stressSize(QUICK_STEPS, FULL_STEPS).toLocaleString('en-US')} random calls by every kind of caller give the reverts, events and views the model predicts`, async () => {
    const report = await runModel(stressSize(QUICK_STEPS, FULL_STEPS))
    console.log(`      ${report.steps} steps in ${report.runs} runs, ${report.seconds.toFixed(1)} s (${(report.seconds * 1000 / report.steps).toFixed(1)} ms per step, views included)`)
    for (const [fn, outcomes] of [...report.stats].sort(([a], [b]) => a.localeCompare(b))) {
      console.log(`      ${fn}: ${[...outcomes].sort(([, a], [, b]) => b - a).map(([outcome, n]) => `${outcome} ${n}`).join(', ')}`)
    }
    if (process.env.RDISC_FUZZ_SEED !== undefined) {
      return
    }
    expect(report.steps).to.be.at.least(stressSize(QUICK_STEPS, FULL_STEPS))
    // The generators reach every function's success, and the signature checks' refusals.
    for (const fn of FUNCTIONS) {
      expect(report.stats.get(fn)?.get('ok') ?? 0, `successful ${fn} calls`).to.be.above(0)
    }
    for (const reason of ['InvalidNodeSignature', 'InvalidNodeNonce', 'SignatureExpired', 'NotCurator', 'ProviderNotApproved']) {
      const seen = [...report.stats.values()].reduce((sum, outcomes) => sum + (outcomes.get(reason) ?? 0), 0)
      expect(seen, `calls refused with ${reason}`).to.be.above(0)
    }
  })

  describe('signature binding', () => {
    let registry: ChainRegistry
    let model: RegistryModel
    const kindId = (): string => cast.kindIds[0]!
    const node = (): Cast['nodes'][number] => cast.nodes[0]!
    const provider = (): string => cast.accounts[1]!.address

    /** Sends `call` at the next second and expects the model's outcome; returns it. */
    async function step (call: RegistryCall): Promise<Outcome> {
      const timestamp = session.nextTimestamp(0)
      const expected = model.execute(call, timestamp)
      const actual = await registry.send(call, timestamp)
      expect(cast.describeOutcome(actual)).to.equal(cast.describeOutcome(expected))
      return actual
    }

    function signed (type: NodeMessageType, flaw: SignatureFlaw, overrides: Partial<SigningSpec> = {}): ReturnType<typeof signNodeMessage> {
      return signNodeMessage(type, kindId(), provider(), { flaw, nonce: 'current', deadline: 'soon', ...overrides }, {
        domain: { chainId: session.chainId, registry: registry.address },
        now: session.nextTimestamp(0),
        currentNonce: model.nodeNonce(node().nodeId),
        nodeKey: node().privateKey,
        otherNodeKey: cast.nodes[1]!.privateKey,
        otherKindId: cast.kindIds[1]!,
        otherProvider: cast.accounts[2]!.address
      })
    }

    function consentCall (message: ReturnType<typeof signNodeMessage>): RegistryCall {
      return { fn: 'addResource', caller: provider(), kindId: message.message.kindId, nodeId: message.message.nodeId, nodePublicKey: message.nodePublicKey, nonce: message.message.nonce, deadline: message.message.deadline, signature: message.signature }
    }

    function withdrawalCall (message: ReturnType<typeof signNodeMessage>): RegistryCall {
      // relayed by a stranger: a withdrawal needs no provider's help
      return { fn: 'withdrawResource', caller: cast.accounts[5]!.address, kindId: message.message.kindId, nodeId: message.message.nodeId, provider: message.message.provider, nonce: message.message.nonce, deadline: message.message.deadline, signature: message.signature }
    }

    before(async () => {
      const curator = cast.accounts[0]!.address
      registry = await ChainRegistry.deploy(session, curator, session.nextTimestamp(0))
      model = new RegistryModel({ domain: { chainId: session.chainId, registry: registry.address }, curator })
      await step({ fn: 'addProvider', caller: curator, provider: provider(), name: 'p1', metadataUri: '' })
    })

    it('behavior: the signing module computes the digests the contract computes', async () => {
      const domain = { chainId: session.chainId, registry: registry.address }
      const fields = { kindId: kindId(), nodeId: node().nodeId, provider: provider(), nonce: 7n, deadline: MAX_UINT256 }
      expect(await registry.views.nodeConsentDigest(fields.kindId, fields.nodeId, fields.provider, fields.nonce, fields.deadline))
        .to.equal(nodeMessageDigest(domain, { type: 'NodeConsent', ...fields }))
      expect(await registry.views.nodeWithdrawalDigest(fields.kindId, fields.nodeId, fields.provider, fields.nonce, fields.deadline))
        .to.equal(nodeMessageDigest(domain, { type: 'NodeWithdrawal', ...fields }))
    })

    for (const type of ['NodeConsent', 'NodeWithdrawal'] as const) {
      const call = type === 'NodeConsent' ? consentCall : withdrawalCall
      for (const flaw of ['otherChain', 'otherRegistry', 'otherKind', 'otherNode', 'otherProvider', 'otherKey', 'otherType', 'tamperedNonce', 'tamperedDeadline'] as const) {
        it(`error: a ${type} signed for another ${flaw.replace(/^other|^tampered/, '').toLowerCase()}${flaw.startsWith('tampered') ? ' (changed after signing)' : ''} reverts with InvalidNodeSignature`, async () => {
          if (type === 'NodeWithdrawal' && !model.isRegistered(kindId(), node().nodeId, provider())) {
            await step(consentCall(signed('NodeConsent', 'none')))
          }
          const outcome = await step(call(signed(type, flaw)))
          expect('reverted' in outcome && outcome.reverted.error).to.equal('InvalidNodeSignature')
        })
      }
    }

    it('error: a used consent reverts with InvalidNodeNonce (a removed node cannot be re-added with it); an expired one with SignatureExpired', async () => {
      if (model.isRegistered(kindId(), node().nodeId, provider())) {
        await step({ fn: 'removeResource', caller: provider(), kindId: kindId(), nodeId: node().nodeId })
      }
      const consent = consentCall(signed('NodeConsent', 'none'))
      expect('events' in await step(consent)).to.equal(true)
      await step({ fn: 'removeResource', caller: provider(), kindId: kindId(), nodeId: node().nodeId })
      const replayed = await step(consent)
      expect('reverted' in replayed && replayed.reverted.error).to.equal('InvalidNodeNonce')
      const expired = await step(consentCall(signed('NodeConsent', 'none', { deadline: 'past' })))
      expect('reverted' in expired && expired.reverted.error).to.equal('SignatureExpired')
      // at the deadline itself the consent still holds
      expect('events' in await step(consentCall(signed('NodeConsent', 'none', { deadline: 'now' })))).to.equal(true)
    })

    it('behavior: a withdrawal the node signed removes it whoever relays it, voids its earlier consents, and works once', async () => {
      if (!model.isRegistered(kindId(), node().nodeId, provider())) {
        await step(consentCall(signed('NodeConsent', 'none')))
      }
      // signed for the node's current nonce, which the withdrawal then uses up
      const spare = consentCall(signed('NodeConsent', 'none'))
      const withdrawal = withdrawalCall(signed('NodeWithdrawal', 'none'))
      expect('events' in await step(withdrawal)).to.equal(true)
      expect(await registry.views.isRegistered(kindId(), node().nodeId, provider())).to.equal(false)
      const again = await step(withdrawal)
      expect('reverted' in again && again.reverted.error).to.equal('InvalidNodeNonce')
      const voided = await step(spare)
      expect('reverted' in voided && voided.reverted.error).to.equal('InvalidNodeNonce')
    })
  })

  describe('invariant checks that do not trust the model', () => {
    const domain = (): { chainId: bigint, registry: string } => ({ chainId: session.chainId, registry: cast.accounts[10]!.address })
    const [curator, p1, p2] = [(): string => cast.accounts[0]!.address, (): string => cast.accounts[1]!.address, (): string => cast.accounts[2]!.address]

    it('error: an event the caller had no right to cause is reported', () => {
      const kindId = cast.kindIds[0]!
      const nodeId = cast.nodes[0]!.nodeId
      const removal = { fn: 'removeResource', caller: p1(), kindId, nodeId } as const
      // p1 removing its own node, and the curator suspending p2: rightful
      expect(checkAuthority(removal, [{ event: 'ResourceRemoved', args: [kindId, nodeId, p1()] }], curator(), undefined, domain())).to.deep.equal([])
      expect(checkAuthority({ fn: 'suspendProvider', caller: curator(), provider: p2() }, [{ event: 'ProviderStatusChanged', args: [p2(), 2n, 3n] }], curator(), undefined, domain())).to.deep.equal([])
      // p1 removing p2's node, p1 suspending p2, p1 taking over curatorship unproposed: each reported
      expect(checkAuthority(removal, [{ event: 'ResourceRemoved', args: [kindId, nodeId, p2()] }], curator(), undefined, domain())).to.have.length(1)
      expect(checkAuthority({ fn: 'suspendProvider', caller: p1(), provider: p2() }, [{ event: 'ProviderStatusChanged', args: [p2(), 2n, 3n] }], curator(), undefined, domain())).to.have.length(1)
      expect(checkAuthority({ fn: 'acceptCurator', caller: p1() }, [{ event: 'CuratorTransferred', args: [curator(), p1()] }], curator(), p2(), domain())).to.have.length(1)
    })

    it('behavior: a withdrawal justifies a removal from another provider\'s list only when the node signed it', () => {
      const kindId = cast.kindIds[0]!
      const context = { domain: domain(), now: 1000n, currentNonce: 0n, nodeKey: cast.nodes[0]!.privateKey, otherNodeKey: cast.nodes[1]!.privateKey, otherKindId: cast.kindIds[1]!, otherProvider: p1() }
      for (const [flaw, findings] of [['none', 0], ['otherKey', 1], ['otherProvider', 1]] as const) {
        const { message, signature } = signNodeMessage('NodeWithdrawal', kindId, p2(), { flaw, nonce: 'current', deadline: 'soon' }, context)
        const call = { fn: 'withdrawResource', caller: p1(), kindId, nodeId: message.nodeId, provider: p2(), nonce: message.nonce, deadline: message.deadline, signature } as const
        expect(checkAuthority(call, [{ event: 'ResourceRemoved', args: [kindId, message.nodeId, p2()] }], curator(), undefined, context.domain), flaw).to.have.length(findings)
      }
    })

    it('error: a view that changed across a reverted call is reported', () => {
      expect(compareSnapshots(new Map([['curator', '"a"'], ['providerCount', '1']]), new Map([['curator', '"a"'], ['providerCount', '1']]))).to.deep.equal([])
      expect(compareSnapshots(new Map([['curator', '"a"'], ['providerCount', '1']]), new Map([['curator', '"a"'], ['providerCount', '2']]))).to.have.length(1)
    })
  })

  describe('mutations: the comparison catches a wrong model', function () {
    // each takes 10 to 50 s on a loaded 2-core runner (the runs until a failure, then the shrinking replays)
    before(function () {
      if (!STRESS) this.skip()
    })
    for (const mutant of ['suspended-verifies', 'remove-keeps-order', 'withdraw-keeps-nonce'] as const) {
      it(`error: a model where ${mutant} is caught, and the counterexample shrinks to a few steps`, async () => {
        await expectCaught({ mutant }, mutant)
      })
    }
  })

  describe('mutations: the comparison catches a wrong contract', function () {
    // solc-js takes 5 to 20 s per compilation: these run under `npm run test:stress` only (with those above)
    before(function () {
      if (!STRESS) this.skip()
    })
    for (const mutation of CONTRACT_MUTATIONS) {
      it(`error: a contract where ${mutation.name} is caught, and the counterexample shrinks to a few steps`, async () => {
        const bytecode = await compileMutant(mutation)
        await expectCaught({ bytecode }, mutation.name, mutation.mustReport)
      })
    }
  })

  /**
   * Runs the model test against a mutant until it fails (at most 20 runs of
   * up to {@link MUTANT_MAX_COMMANDS} calls), and checks the shrunk counterexample.
   */
  async function expectCaught (options: RunOptions, label: string, mustReport?: string): Promise<void> {
    const world = { stats: new Map<string, Map<string, number>>(), counter: { steps: 0 } }
    const details = await fc.check(property(world, options, MUTANT_MAX_COMMANDS), { numRuns: 20 })
    expect(details.failed, `${label}: no counterexample in 20 runs`).to.equal(true)
    const counterexample = details.counterexample?.[0]
    const shown = [...(counterexample ?? [])].map(String)
    const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)
    const message = `${fc.defaultReportMessage(details) ?? ''}\n${error}`
    console.log(`      ${label}: caught after ${details.numRuns} run(s), shrunk ${details.numShrinks} times to ${shown.length} commands:\n${shown.map((command) => `        ${command}`).join('\n')}`)
    expect(shown.length, message).to.be.within(1, 8)
    if (process.env.RDISC_MODEL_SHOW_REPORT === '1') console.log(message)
    expect(message).to.include('the registry and its model disagree')
    if (mustReport !== undefined) expect(message).to.include(mustReport)
  }
})

/** The contract's source with `mutation` applied, compiled as `npm run contracts:build` compiles it. */
async function compileMutant (mutation: ContractMutation): Promise<string> {
  const source = await readFile(new URL('../../contracts/ResourceRegistry.sol', import.meta.url), 'utf8')
  const occurrences = source.split(mutation.find).length - 1
  if (occurrences !== 1) {
    throw new Error(`mutation "${mutation.name}": its text occurs ${occurrences} times in contracts/ResourceRegistry.sol, expected once: update CONTRACT_MUTATIONS`)
  }
  const solc = createRequire(new URL('../../packages/registry-admin/package.json', import.meta.url))('solc') as { compile: (input: string) => string }
  const input = {
    language: 'Solidity',
    sources: { 'ResourceRegistry.sol': { content: source.replace(mutation.find, mutation.replace) } },
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'cancun', outputSelection: { 'ResourceRegistry.sol': { ResourceRegistry: ['evm.bytecode.object'] } } }
  }
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as {
    errors?: Array<{ severity: string, formattedMessage: string }>
    contracts?: Record<string, Record<string, { evm: { bytecode: { object: string } } }>>
  }
  const errors = (output.errors ?? []).filter((error) => error.severity === 'error')
  const object = output.contracts?.['ResourceRegistry.sol']?.ResourceRegistry?.evm.bytecode.object
  if (errors.length > 0 || object === undefined) {
    throw new Error(`mutation "${mutation.name}" does not compile: ${errors.map((error) => error.formattedMessage).join('\n')}`)
  }
  return `0x${object}`
}
