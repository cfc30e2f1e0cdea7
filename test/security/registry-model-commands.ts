/**
 * The fast-check commands of the registry model test: one command per
 * state-changing function of the ResourceRegistry (and a replay of a used
 * signature), each called by a random participant with random arguments.
 *
 * Commands are generated before the model exists, so they name their
 * caller and target by role ("the curator", "the 2nd suspended provider",
 * "p3") and resolve it against the model when they run; that keeps most
 * calls meaningful (an approved provider adding a node) while strangers,
 * nodes, the wrong provider and the zero address still call everything.
 * A command prints as its roles (how fast-check shows a counterexample);
 * a failure's message lists the whole run, resolved, step by step.
 *
 * Each step: the model predicts, the chain runs the call, the outcomes
 * (custom error with arguments, or events) must be equal, the caller must
 * have had the right to cause each event, and then every view must match
 * (see `registry-model-world.ts`).
 */
import fc from 'fast-check'
import { ZeroAddress } from 'ethers'
import type { ChainRegistry } from './registry-model-chain.js'
import {
  signNodeMessage, SIGNATURE_FLAWS,
  type DeadlineChoice, type NodeMessageType, type NonceChoice, type SignatureFlaw, type SigningSpec
} from './registry-model-signing.js'
import {
  checkAuthority, compareSnapshots, KIND_NAMES, NODE_COUNT, readViews,
  type Cast, type Finding, type ReadingPlan, type ViewSnapshot
} from './registry-model-world.js'
import { STATUSES, type CuratorAction, type Outcome, type RegistryCall, type RegistryModel, type Status } from './registry-model.js'

/** The real side of a run: the chain, the registry of this run, and the run's log. */
export interface ModelWorld {
  readonly cast: Cast
  readonly registry: ChainRegistry
  /** One line per step run so far. */
  readonly trace: string[]
  /** Outcome counts over the whole spec (function: outcome → count), for the report. */
  readonly stats: Map<string, Map<string, number>>
  /** Steps run over the whole spec. */
  readonly counter: { steps: number }
  /** The chain's stable views after the previous step. */
  snapshot?: ViewSnapshot
}

/** Who calls, or whom a call names, by role. */
export type Who =
  | { readonly role: 'curator' }
  | { readonly role: 'proposed' }
  | { readonly role: 'status', readonly status: Status, readonly pick: number }
  | { readonly role: 'account', readonly index: number }
  | { readonly role: 'zero' }

/** The names applications try: good, empty, at and over the 64-byte limit (in ASCII and in two-byte UTF-8). */
export const NAME_CHOICES = ['ok', 'empty', 'max', 'over', 'utf8max', 'utf8over'] as const
/** The metadata URIs applications try: good, empty, at and over the 512-byte limit. */
export const URI_CHOICES = ['ok', 'empty', 'max', 'over'] as const
type NameChoice = (typeof NAME_CHOICES)[number]
type UriChoice = (typeof URI_CHOICES)[number]

/**
 * A step, symbolically. For removals and withdrawals, `listed` (when not
 * null) picks one of the current registrations instead of `kind` and
 * `node`: of the caller's own for a removal, of anyone's for a withdrawal.
 */
export type Plan =
  | { readonly op: 'applyAsProvider', readonly by: Who, readonly name: NameChoice, readonly uri: UriChoice }
  | { readonly op: 'addProvider', readonly by: Who, readonly target: Who, readonly name: NameChoice, readonly uri: UriChoice }
  | { readonly op: CuratorAction, readonly by: Who, readonly target: Who }
  | { readonly op: 'proposeCurator', readonly by: Who, readonly target: Who }
  | { readonly op: 'acceptCurator', readonly by: Who }
  | { readonly op: 'addResource', readonly by: Who, readonly kind: number, readonly node: number, readonly signing: SigningSpec, readonly other: number }
  | { readonly op: 'removeResource', readonly by: Who, readonly kind: number, readonly node: number, readonly listed: number | null }
  | { readonly op: 'withdrawResource', readonly by: Who, readonly provider: Who, readonly kind: number, readonly node: number, readonly listed: number | null, readonly signing: SigningSpec, readonly other: number }
  | { readonly op: 'replay', readonly by: Who | 'original', readonly pick: number }

/** A plan and the seconds its block adds to the clock beyond the one every block adds. */
export interface Step {
  readonly plan: Plan
  readonly extraSeconds: number
}

/** One step as a fast-check command. */
export class RegistryCommand implements fc.AsyncCommand<RegistryModel, ModelWorld> {
  readonly step: Step
  constructor (step: Step) {
    this.step = step
  }

  check (): boolean {
    return true
  }

  async run (model: RegistryModel, world: ModelWorld): Promise<void> {
    const { cast, registry, trace } = world
    const index = trace.length + 1
    const timestamp = registry.session.nextTimestamp(this.step.extraSeconds)
    const call = resolveCall(this.step.plan, model, cast, registry, timestamp)
    if (call === undefined) {
      trace.push(`${index}. ${this.toString()}: nothing to replay yet`)
      return
    }
    const curatorBefore = model.curator
    const pendingBefore = model.pendingCurator === ZeroAddress ? undefined : model.pendingCurator
    const expected = model.execute(call, timestamp)
    const actual = await registry.send(call, timestamp)
    world.counter.steps++
    trace.push(`${index}. [t=${timestamp}] ${cast.describeCall(call)} → ${cast.describeOutcome(actual)}`)
    count(world.stats, call.fn, 'reverted' in actual ? actual.reverted.error : 'ok')

    const findings: Finding[] = []
    const [want, got] = [cast.describeOutcome(expected), cast.describeOutcome(actual)]
    if (want !== got || !sameOutcome(expected, actual)) {
      findings.push({ what: 'outcome', expected: want, actual: got })
    }
    if (this.step.plan.op === 'replay' && !('reverted' in actual)) {
      findings.push({ what: 'invariant: a used signature was accepted again' })
    }
    if ('events' in actual) {
      // judged from the chain's views before the call (the snapshot), not from the model
      const curatorOnChain = world.snapshot === undefined ? curatorBefore : parseSnapshotAddress(world.snapshot.get('curator')) ?? curatorBefore
      const pendingOnChain = world.snapshot === undefined ? pendingBefore : parseSnapshotAddress(world.snapshot.get('pendingCurator'))
      findings.push(...checkAuthority(call, actual.events, curatorOnChain, pendingOnChain, model.domain))
    }
    const read = await readViews(cast, model, registry, readingPlan(index, cast, model, touchedBy(call)))
    findings.push(...read.findings)
    if ('reverted' in actual && world.snapshot !== undefined) {
      findings.push(...compareSnapshots(world.snapshot, read.snapshot))
    }
    world.snapshot = read.snapshot
    if (findings.length > 0) {
      throw new Error([
        `the registry and its model disagree after step ${index}:`,
        ...findings.slice(0, 12).map(({ what, expected: e, actual: a }) => e === undefined ? `  - ${what}` : `  - ${what}\n      model: ${cast.nameAll(e)}\n      chain: ${cast.nameAll(a ?? '')}`),
        ...(findings.length > 12 ? [`  - and ${findings.length - 12} more`] : []),
        'the run, step by step (caller.function(arguments) → what the chain did):',
        ...trace.map((entry) => `  ${entry}`)
      ].join('\n'))
    }
  }

  toString (): string {
    return describePlan(this.step)
  }
}

function parseSnapshotAddress (text: string | undefined): string | undefined {
  if (text === undefined) return undefined
  const value = JSON.parse(text) as unknown
  return typeof value === 'string' ? value : undefined
}

function sameOutcome (a: Outcome, b: Outcome): boolean {
  const text = (outcome: Outcome): string => JSON.stringify(outcome, (_key, value: unknown) => typeof value === 'bigint' ? `${value}n` : value)
  return text(a) === text(b)
}

function count (stats: Map<string, Map<string, number>>, fn: string, outcome: string): void {
  const byOutcome = stats.get(fn) ?? new Map<string, number>()
  byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1)
  stats.set(fn, byOutcome)
}

/** The pages and samples step `index` reads (from the step number alone, so a replayed counterexample reads the same). */
function readingPlan (index: number, cast: Cast, model: RegistryModel, touched: string[]): ReadingPlan {
  const limits = [1, 2, 3, 5, 1000]
  const pick = <T>(items: readonly T[], salt: number): T => items[(index * 7 + salt) % items.length]!
  const providers = model.providerAccounts.length > 0 ? model.providerAccounts : cast.everyone
  const triples: Array<readonly [string, string, string]> = []
  for (let salt = 0; salt < 3; salt++) {
    triples.push([pick(cast.kindIds, salt), pick(cast.nodes, salt * 3 + 1).nodeId, pick(providers, salt * 5 + 2)])
  }
  return {
    touched,
    rotating: pick(cast.everyone, 0),
    pageLimit: pick(limits, 0),
    page: [index % 3, 1 + (index % 2)],
    oddCursor: (BigInt(index % 4) << 128n) | BigInt(index % 3),
    triples
  }
}

/** The accounts a call names: its caller, and the provider or proposed curator it acts on. */
function touchedBy (call: RegistryCall): string[] {
  const named = [call.caller]
  if ('provider' in call) named.push(call.provider)
  if ('proposed' in call) named.push(call.proposed)
  return named
}

/** The participant a role names now, as an address. */
function resolve (who: Who, model: RegistryModel, cast: Cast): string {
  const accounts = cast.accounts
  switch (who.role) {
    case 'curator': return model.curator
    case 'proposed': return model.pendingCurator === ZeroAddress ? model.curator : model.pendingCurator
    case 'status': {
      const holders = model.providersWithStatus(who.status)
      return holders.length > 0 ? holders[who.pick % holders.length]! : accounts[who.pick % accounts.length]!.address
    }
    case 'account': return accounts[who.index % accounts.length]!.address
    case 'zero': return ZeroAddress
  }
}

/** The concrete call a plan makes now; undefined for a replay with nothing to replay. */
function resolveCall (plan: Plan, model: RegistryModel, cast: Cast, registry: ChainRegistry, timestamp: bigint): RegistryCall | undefined {
  if (plan.op === 'replay') {
    const used = model.usedSignedCalls
    if (used.length === 0) return undefined
    const original = used[plan.pick % used.length]!
    return plan.by === 'original' ? original : { ...original, caller: resolve(plan.by, model, cast) }
  }
  const caller = resolve(plan.by, model, cast)
  switch (plan.op) {
    case 'applyAsProvider':
      return { fn: plan.op, caller, name: providerName(plan.name), metadataUri: metadataUri(plan.uri) }
    case 'addProvider':
      return { fn: plan.op, caller, provider: resolve(plan.target, model, cast), name: providerName(plan.name), metadataUri: metadataUri(plan.uri) }
    case 'approveProvider':
    case 'rejectProvider':
    case 'suspendProvider':
    case 'reinstateProvider':
    case 'removeProvider':
      return { fn: plan.op, caller, provider: resolve(plan.target, model, cast) }
    case 'proposeCurator':
      return { fn: plan.op, caller, proposed: resolve(plan.target, model, cast) }
    case 'acceptCurator':
      return { fn: plan.op, caller }
    case 'addResource': {
      const signed = sign('NodeConsent', plan.kind, plan.node, caller, plan.signing, plan.other, model, cast, registry, timestamp)
      const { message } = signed
      return {
        fn: plan.op, caller, kindId: message.kindId, nodeId: message.nodeId, nodePublicKey: signed.nodePublicKey,
        nonce: message.nonce, deadline: message.deadline, signature: signed.signature
      }
    }
    case 'removeResource': {
      const own = plan.listed === null ? undefined : pickListed(model, cast, plan.listed, caller)
      return { fn: plan.op, caller, kindId: cast.kindIds[own?.kind ?? plan.kind]!, nodeId: cast.nodes[own?.node ?? plan.node]!.nodeId }
    }
    case 'withdrawResource': {
      const listed = plan.listed === null ? undefined : pickListed(model, cast, plan.listed)
      const provider = listed?.provider ?? resolve(plan.provider, model, cast)
      const signed = sign('NodeWithdrawal', listed?.kind ?? plan.kind, listed?.node ?? plan.node, provider, plan.signing, plan.other, model, cast, registry, timestamp)
      const { message } = signed
      return {
        fn: plan.op, caller, kindId: message.kindId, nodeId: message.nodeId, provider: message.provider,
        nonce: message.nonce, deadline: message.deadline, signature: signed.signature
      }
    }
  }
}

/** The `pick`-th current registration (of `provider`'s only, if given), as cast indexes; undefined if there is none. */
function pickListed (model: RegistryModel, cast: Cast, pick: number, provider?: string): { provider: string, kind: number, node: number } | undefined {
  const listed = model.registrations(0n, Number.MAX_SAFE_INTEGER).entries
    .filter((entry) => provider === undefined || entry.provider === provider)
    .flatMap((entry) => entry.nodeIds.map((nodeId) => ({
      provider: entry.provider,
      kind: cast.kindIds.indexOf(entry.kindId),
      node: cast.nodes.findIndex((node) => node.nodeId === `0x${nodeId}`)
    })))
  return listed.length === 0 ? undefined : listed[pick % listed.length]
}

function sign (type: NodeMessageType, kind: number, node: number, provider: string, spec: SigningSpec, other: number, model: RegistryModel, cast: Cast, registry: ChainRegistry, now: bigint): ReturnType<typeof signNodeMessage> {
  const self = cast.nodes[node]!
  const others = [...cast.nodes.filter((candidate) => candidate !== self).map((candidate) => candidate.privateKey), cast.strayKey]
  const otherProviders = cast.accounts.filter((account) => account.address !== provider)
  return signNodeMessage(type, cast.kindIds[kind]!, provider, spec, {
    domain: { chainId: registry.session.chainId, registry: registry.address },
    now,
    currentNonce: model.nodeNonce(self.nodeId),
    nodeKey: self.privateKey,
    otherNodeKey: others[other % others.length]!,
    otherKindId: cast.kindIds[(kind + 1) % cast.kindIds.length]!,
    otherProvider: otherProviders[other % otherProviders.length]!.address
  })
}

function providerName (choice: NameChoice): string {
  switch (choice) {
    case 'ok': return 'Provider'
    case 'empty': return ''
    case 'max': return 'x'.repeat(64)
    case 'over': return 'x'.repeat(65)
    case 'utf8max': return 'é'.repeat(32)
    case 'utf8over': return 'é'.repeat(33)
  }
}

function metadataUri (choice: UriChoice): string {
  switch (choice) {
    case 'ok': return 'https://provider.example/provider.json'
    case 'empty': return ''
    case 'max': return `https://p.example/${'u'.repeat(512 - 18)}`
    case 'over': return `https://p.example/${'u'.repeat(513 - 18)}`
  }
}

function describeWho (who: Who | 'original'): string {
  if (who === 'original') return 'original caller'
  switch (who.role) {
    case 'curator': return 'curator'
    case 'proposed': return 'proposed curator'
    case 'status': return `${who.status}#${who.pick}`
    case 'account': return `account#${who.index}`
    case 'zero': return 'zero address'
  }
}

function describeSigning (spec: SigningSpec, other: number): string {
  return `${spec.flaw === 'none' ? 'good signature' : `flaw ${spec.flaw} (other #${other})`}, nonce ${spec.nonce}, deadline ${spec.deadline}`
}

/** A plan as text, by role (what fast-check prints for a counterexample). */
export function describePlan ({ plan, extraSeconds }: Step): string {
  const clock = extraSeconds > 0 ? ` [+${extraSeconds}s]` : ''
  const by = describeWho(plan.by)
  switch (plan.op) {
    case 'applyAsProvider': return `${by}: applyAsProvider(name ${plan.name}, uri ${plan.uri})${clock}`
    case 'addProvider': return `${by}: addProvider(${describeWho(plan.target)}, name ${plan.name}, uri ${plan.uri})${clock}`
    case 'addResource': return `${by}: addResource(${KIND_NAMES[plan.kind]}, n${plan.node}, ${describeSigning(plan.signing, plan.other)})${clock}`
    case 'removeResource': return `${by}: removeResource(${plan.listed === null ? `${KIND_NAMES[plan.kind]}, n${plan.node}` : `its registration #${plan.listed}`})${clock}`
    case 'withdrawResource': return `${by}: withdrawResource(${plan.listed === null ? `${KIND_NAMES[plan.kind]}, n${plan.node}, from ${describeWho(plan.provider)}` : `registration #${plan.listed}`}, ${describeSigning(plan.signing, plan.other)})${clock}`
    case 'replay': return `${by}: replay used signature #${plan.pick}${clock}`
    case 'acceptCurator': return `${by}: acceptCurator()${clock}`
    default: return `${by}: ${plan.op}(${describeWho(plan.target)})${clock}`
  }
}

// ----------------------------------------------------------------- arbitraries

const anyAccount: fc.Arbitrary<Who> = fc.nat(31).map((index) => ({ role: 'account', index }))
const withStatus = (status: Status): fc.Arbitrary<Who> => fc.nat(7).map((pick) => ({ role: 'status', status, pick }))
const anyStatus: fc.Arbitrary<Who> = fc.constantFrom(...STATUSES).chain(withStatus)

/** Callers of the curator's functions: mostly the curator. */
const curatorCaller: fc.Arbitrary<Who> = fc.oneof(
  { arbitrary: fc.constant<Who>({ role: 'curator' }), weight: 10 },
  { arbitrary: fc.constant<Who>({ role: 'proposed' }), weight: 1 },
  { arbitrary: anyAccount, weight: 2 }
)
/** Targets of the curator's functions: mostly a provider in a status the action applies to, else anyone in any status, the zero address. */
const target = (...fitting: Status[]): fc.Arbitrary<Who> => fc.oneof(
  { arbitrary: fitting.length > 0 ? fc.constantFrom(...fitting).chain(withStatus) : anyAccount, weight: 6 },
  { arbitrary: anyStatus, weight: 2 },
  { arbitrary: anyAccount, weight: 2 },
  { arbitrary: fc.constant<Who>({ role: 'curator' }), weight: 1 },
  { arbitrary: fc.constant<Who>({ role: 'zero' }), weight: 1 }
)
/** The statuses each curator action applies to. */
const FITTING: Record<CuratorAction, Status[]> = {
  approveProvider: ['pending'],
  rejectProvider: ['pending'],
  suspendProvider: ['approved'],
  reinstateProvider: ['suspended'],
  removeProvider: ['approved', 'suspended']
}
const curatorAction = (op: CuratorAction): fc.Arbitrary<Plan> => fc.record({ op: fc.constant(op), by: curatorCaller, target: target(...FITTING[op]) })
/** Providers adding and removing nodes: mostly approved ones. */
const providerCaller: fc.Arbitrary<Who> = fc.oneof(
  { arbitrary: withStatus('approved'), weight: 10 },
  { arbitrary: withStatus('suspended'), weight: 2 },
  { arbitrary: anyStatus, weight: 1 },
  { arbitrary: anyAccount, weight: 1 },
  { arbitrary: fc.constant<Who>({ role: 'curator' }), weight: 1 }
)
/** Signatures: mostly good, else one flaw, with every nonce and deadline choice. */
const signing: fc.Arbitrary<SigningSpec> = fc.record({
  flaw: fc.oneof(
    { arbitrary: fc.constant<SignatureFlaw>('none'), weight: 12 },
    { arbitrary: fc.constantFrom(...SIGNATURE_FLAWS), weight: 4 }
  ),
  nonce: fc.oneof(
    { arbitrary: fc.constant<NonceChoice>('current'), weight: 10 },
    { arbitrary: fc.constantFrom<NonceChoice>('stale', 'ahead'), weight: 1 }
  ),
  deadline: fc.oneof(
    { arbitrary: fc.constantFrom<DeadlineChoice>('soon', 'never'), weight: 10 },
    { arbitrary: fc.constantFrom<DeadlineChoice>('now', 'past', 'zero'), weight: 2 }
  )
})
/** Mostly the first kind, so one provider's list of it grows long enough for removals to reorder it. */
const kind = fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.nat(KIND_NAMES.length - 1), weight: 1 })
const node = fc.nat(NODE_COUNT - 1)
const other = fc.nat(15)
/** Names and URIs: mostly good, else at or over a limit. */
const providerNameChoice = fc.oneof({ arbitrary: fc.constant<NameChoice>('ok'), weight: 6 }, { arbitrary: fc.constantFrom(...NAME_CHOICES), weight: 2 })
const uriChoice = fc.oneof({ arbitrary: fc.constant<UriChoice>('ok'), weight: 6 }, { arbitrary: fc.constantFrom(...URI_CHOICES), weight: 2 })
/** A current registration by number, mostly; else `kind` and `node` as drawn. */
const listed = fc.oneof({ arbitrary: fc.nat(31), weight: 3 }, { arbitrary: fc.constant(null), weight: 1 })

const plans: fc.Arbitrary<Plan> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('applyAsProvider' as const), by: fc.oneof(anyAccount, anyStatus), name: providerNameChoice, uri: uriChoice }) },
  { weight: 5, arbitrary: fc.record({ op: fc.constant('addProvider' as const), by: curatorCaller, target: target('none', 'rejected', 'removed'), name: providerNameChoice, uri: uriChoice }) },
  { weight: 6, arbitrary: curatorAction('approveProvider') },
  { weight: 2, arbitrary: curatorAction('rejectProvider') },
  { weight: 3, arbitrary: curatorAction('suspendProvider') },
  { weight: 4, arbitrary: curatorAction('reinstateProvider') },
  { weight: 2, arbitrary: curatorAction('removeProvider') },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('proposeCurator' as const), by: curatorCaller, target: fc.oneof(anyAccount, fc.constant<Who>({ role: 'zero' })) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('acceptCurator' as const), by: fc.oneof({ arbitrary: fc.constant<Who>({ role: 'proposed' }), weight: 4 }, { arbitrary: anyAccount, weight: 1 }) }) },
  { weight: 20, arbitrary: fc.record({ op: fc.constant('addResource' as const), by: providerCaller, kind, node, signing, other }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('removeResource' as const), by: providerCaller, kind, node, listed }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('withdrawResource' as const), by: anyAccount, provider: providerCaller, kind, node, listed, signing, other }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('replay' as const), by: fc.oneof({ arbitrary: fc.constant('original' as const), weight: 3 }, { arbitrary: anyAccount, weight: 1 }), pick: fc.nat(63) }) }
)

/** Steps: a plan and, now and then, a few seconds more on the clock (to reach deadlines). */
export const steps: fc.Arbitrary<Step> = fc.record({
  plan: plans,
  extraSeconds: fc.oneof({ arbitrary: fc.constant(0), weight: 8 }, { arbitrary: fc.constantFrom(1, 599, 600, 3600), weight: 1 })
})

/**
 * Sequences of up to `maxCommands` commands (about half that on average).
 * `replayPath` is the `replayPath` a counterexample printed: with the
 * seed and path it replays exactly that sequence.
 */
export function registryCommands (maxCommands: number, replayPath?: string): fc.Arbitrary<Iterable<fc.AsyncCommand<RegistryModel, ModelWorld>>> {
  return fc.commands([steps.map((step) => new RegistryCommand(step))], { maxCommands, size: 'max', ...(replayPath === undefined ? {} : { replayPath }) })
}
