/**
 * The cast of the registry model test, and how it reads the registry after
 * each step.
 *
 * - {@link Cast}: named dev accounts (the first curator, providers, a
 *   stranger, a curator-to-be) and four nodes whose keys are dev accounts
 *   too, so nodes can send calls; two kinds; a stray key that belongs to no
 *   account.
 * - {@link readViews}: every view of the registry, from the model and from
 *   the chain, compared; plus two checks that do not trust the model at
 *   all: no provider that is not approved vouches for a node, and a call
 *   that reverted left every view as it was.
 * - {@link checkAuthority}: each event of a successful call was the
 *   caller's to cause (the curator's, the provider's own, the node's
 *   signature), judged from the chain's state before the call.
 */
import { resourceKindId } from '@resource-discovery/registry-admin'
import { getAddress, keccak256, toUtf8Bytes, ZeroAddress } from 'ethers'
import type { ChainRegistry } from './registry-model-chain.js'
import { nodeAddress, nodeIdOf, nodeMessageDigest, recoverSigner, type SigningDomain } from './registry-model-signing.js'
import {
  STATUSES,
  type AbiValue, type Emitted, type Outcome, type ProviderView, type RegistrationPageView, type RegistryCall, type RegistryModel
} from './registry-model.js'

/** Names of the dev accounts, in derivation order; `n0`..`n3` are the nodes' keys. */
export const ACCOUNT_NAMES = ['cur', 'p1', 'p2', 'p3', 'p4', 'eve', 'dan', 'n0', 'n1', 'n2', 'n3'] as const
/** How many dev accounts the chain needs. */
export const ACCOUNT_COUNT = ACCOUNT_NAMES.length
/** The nodes: the last four accounts. */
const NODE_ACCOUNT_OFFSET = 7
export const NODE_COUNT = 4
/** The two kinds nodes are registered under. */
export const KIND_NAMES = ['mail', 'push'] as const

/** A participant: a name, an address, and a private key. */
export interface Participant {
  readonly name: string
  readonly address: string
  readonly privateKey: string
}

/** A node: its key (a dev account's) and node id. */
export interface CastNode extends Participant {
  readonly nodeId: string
}

/** Everyone in the test, and how to print them. */
export class Cast {
  readonly accounts: readonly Participant[]
  readonly nodes: readonly CastNode[]
  /** A key that belongs to no account and no node of the cast. */
  readonly strayKey: string
  readonly strayNodeId: string
  readonly kindIds: readonly string[]
  readonly #names = new Map<string, string>()

  constructor (accounts: ReadonlyArray<{ address: string, privateKey: string }>) {
    this.accounts = ACCOUNT_NAMES.map((name, index) => {
      const account = accounts[index]
      if (account === undefined) throw new Error(`the chain has no account for ${name}`)
      return { name, address: getAddress(account.address), privateKey: account.privateKey }
    })
    this.nodes = this.accounts.slice(NODE_ACCOUNT_OFFSET, NODE_ACCOUNT_OFFSET + NODE_COUNT).map((account) => ({ ...account, nodeId: nodeIdOf(account.privateKey) }))
    this.strayKey = keccak256(toUtf8Bytes('registry model: stray node'))
    this.strayNodeId = nodeIdOf(this.strayKey)
    this.kindIds = KIND_NAMES.map((name) => resourceKindId(name).toLowerCase())
    for (const account of this.accounts) this.#names.set(account.address.toLowerCase(), account.name)
    for (const node of this.nodes) {
      this.#names.set(node.nodeId, node.name)
      // a node's id without 0x (as the views return them) and its address are the same node
      this.#names.set(node.nodeId.slice(2), node.name)
      if (nodeAddress(node.nodeId) !== node.address) throw new Error(`node ${node.name}: its id does not end in its address`)
    }
    this.#names.set(this.strayNodeId, 'stray')
    this.#names.set(ZeroAddress.toLowerCase(), 'zero')
    KIND_NAMES.forEach((name, index) => this.#names.set(this.kindIds[index]!, name))
  }

  /** Every account, then the zero address: all the targets a call may name. */
  get everyone (): string[] {
    return [...this.accounts.map((account) => account.address), ZeroAddress]
  }

  /** A readable name for an address, node id or kind id; other values as they are. */
  name (value: AbiValue | undefined): string {
    if (value === undefined) return '-'
    if (typeof value !== 'string') return String(value)
    return this.#names.get(value.toLowerCase()) ?? (value.length > 20 ? `${value.slice(0, 10)}…` : JSON.stringify(value))
  }

  /** `text` with each known address, node id or kind id in it replaced by its name. */
  nameAll (text: string): string {
    return text.replace(/(?:0x)?[0-9a-fA-F]{64}|0x[0-9a-fA-F]{40}/g, (hex) => this.#names.get(hex.toLowerCase()) ?? hex)
  }

  /** A call as one line: `p2.addResource(mail, n1, nonce 0, deadline 1796…, sig 0x12…)`. */
  describeCall (call: RegistryCall): string {
    const { fn, caller, ...args } = call
    const shown = Object.entries(args).map(([key, value]) => {
      if (key === 'signature' || key === 'nodePublicKey') return `${key} ${bytesLength(value as string)}B`
      if (key === 'name' || key === 'metadataUri') return `${key} ${bytesLength(value as string, 'utf8')}B`
      return `${key} ${this.name(value)}`
    })
    return `${this.name(caller)}.${fn}(${shown.join(', ')})`
  }

  /** An outcome as text: `reverted NotCurator(p1)` or `ok: ResourceAdded(mail, n1, p2)`. */
  describeOutcome (outcome: Outcome): string {
    if ('reverted' in outcome) {
      return `reverted ${this.#describeValues(outcome.reverted.error, outcome.reverted.args)}`
    }
    return `ok: ${outcome.events.map((event) => this.#describeValues(event.event, event.args)).join(', ') || 'no events'}`
  }

  #describeValues (name: string, args: readonly AbiValue[]): string {
    const statusArgs = STATUS_ARGUMENTS[name] ?? []
    return `${name}(${args.map((arg, index) => statusArgs.includes(index) ? STATUSES[Number(arg)] ?? String(arg) : this.name(arg)).join(', ')})`
  }
}

/** Which arguments of each error and event are provider statuses (printed by name). */
const STATUS_ARGUMENTS: Record<string, readonly number[]> = {
  ProviderStatusChanged: [1, 2],
  ProviderAlreadyActive: [1],
  ProviderNotPending: [1],
  ProviderNotApproved: [1],
  ProviderNotSuspended: [1],
  ProviderNotRemovable: [1]
}

function bytesLength (value: string, encoding: 'hex' | 'utf8' = 'hex'): number {
  return encoding === 'hex' ? (value.length - 2) / 2 : new TextEncoder().encode(value).length
}

/** What the chain answered to each view, by label: the stable part of a step's reading. */
export type ViewSnapshot = ReadonlyMap<string, string>

/** A difference between model and chain, or a broken invariant. */
export interface Finding {
  readonly what: string
  readonly expected?: string
  readonly actual?: string
}

/** Which pages and samples one step reads besides the full views (from the step number, so a replay reads the same). */
export interface ReadingPlan {
  /** The accounts the step's call named (caller, target): their lists are read in full. */
  readonly touched: readonly string[]
  /** One more account whose lists are read in full (the step number rotates through everyone). */
  readonly rotating: string
  /** The limit of the `registrations` walk. */
  readonly pageLimit: number
  /** A `(offset, limit)` page of `resourcesOf` and `providers`. */
  readonly page: readonly [number, number]
  /** A cursor of `registrations` that no walk produced: `(set << 128) | offset`. */
  readonly oddCursor: bigint
  /** (kind, node, provider) triples to ask `isRegistered` and `isVerified` about. */
  readonly triples: ReadonlyArray<readonly [string, string, string]>
}

interface Probe {
  readonly label: string
  /** Part of the snapshot a reverted call must leave unchanged. */
  readonly stable: boolean
  readonly expected: unknown
  readonly actual: Promise<unknown>
}

/** The label of the full listing, which the invariant reads. */
const FULL_LISTING = 'registrations(0, 1000)'
/** The label of the full provider list, which the invariant reads. */
const ALL_PROVIDERS = 'providers(0, 100)'

/**
 * Reads the registry's views from the model and the chain and compares
 * them. Every step reads the whole state (the stable part: curator,
 * proposed curator, every provider, every node's nonce, every current
 * registration in one page, the batch check trusting everyone in two
 * orders) and, for the accounts the step named and one more, each view
 * function on its own (`getProvider`, `resourcesOf`, `resourceCount`,
 * `checkResources` trusting that one provider), plus small pages and
 * sampled `isRegistered`/`isVerified`. Returns the findings and the
 * stable snapshot of the chain's answers.
 */
export async function readViews (cast: Cast, model: RegistryModel, registry: ChainRegistry, plan: ReadingPlan): Promise<{ findings: Finding[], snapshot: ViewSnapshot }> {
  const views = registry.views
  const probes: Probe[] = []
  const probe = (label: string, stable: boolean, expected: unknown, actual: Promise<unknown>): void => {
    // a rejected read is reported as a finding below, not as an unhandled rejection
    actual.catch(() => undefined)
    probes.push({ label, stable, expected, actual })
  }
  const everyone = cast.everyone
  const nodeIds = [...cast.nodes.map((node) => node.nodeId), cast.strayNodeId]
  const name = (value: string): string => cast.name(value)

  // The whole state, in few calls.
  probe('curator', true, model.curator, views.curator())
  probe('pendingCurator', true, model.pendingCurator === ZeroAddress ? undefined : model.pendingCurator, views.pendingCurator())
  probe('providerCount', true, model.providerCount(), views.providerCount())
  probe('registrationSetCount', true, model.registrationSetCount(), views.registrationSetCount())
  probe(ALL_PROVIDERS, true, model.providers(0, 100), views.providers(0, 100))
  probe(FULL_LISTING, true, model.registrations(0n, 1000), views.registrations(0n, 1000))
  for (const nodeId of nodeIds) {
    probe(`nodeNonce(${name(nodeId)})`, true, model.nodeNonce(nodeId), views.nodeNonce(nodeId))
  }
  // The batch check clients run, trusting everyone in two orders (the first trusted provider that vouches wins).
  for (const kindId of cast.kindIds) {
    for (const [order, trusted] of [['forward', everyone], ['reversed', [...everyone].reverse()]] as const) {
      probe(`checkResources(${name(kindId)}, all nodes, everyone ${order})`, true, model.checkResources(kindId, nodeIds, trusted), views.checkResources(kindId, nodeIds, trusted))
    }
  }
  // Each view on its own, for the accounts the step named and one more.
  for (const account of new Set([...plan.touched, plan.rotating])) {
    probe(`getProvider(${name(account)})`, false, model.getProvider(account), views.getProvider(account))
    for (const kindId of cast.kindIds) {
      const pair = `${name(account)}, ${name(kindId)}`
      probe(`resourcesOf(${pair}, 0, 100)`, false, model.resourcesOf(account, kindId, 0, 100), views.resourcesOf(account, kindId, 0, 100))
      probe(`resourcesOf(${pair}, ${plan.page[0]}, ${plan.page[1]})`, false, model.resourcesOf(account, kindId, ...plan.page), views.resourcesOf(account, kindId, ...plan.page))
      probe(`resourceCount(${pair})`, false, model.resourceCount(account, kindId), views.resourceCount(account, kindId))
      probe(`checkResources(${name(kindId)}, all nodes, [${name(account)}])`, false, model.checkResources(kindId, nodeIds, [account]), views.checkResources(kindId, nodeIds, [account]))
    }
  }
  for (const [kindId, nodeId, provider] of plan.triples) {
    const triple = `${name(kindId)}, ${name(nodeId)}, ${name(provider)}`
    probe(`isRegistered(${triple})`, false, model.isRegistered(kindId, nodeId, provider), views.isRegistered(kindId, nodeId, provider))
    probe(`isVerified(${triple})`, false, model.isVerified(kindId, nodeId, provider), views.isVerified(kindId, nodeId, provider))
  }
  // Pages: providers, the listing walked in small pages at the model's cursors, and from an odd cursor.
  probe(`providers(${plan.page[0]}, ${plan.page[1]})`, false, model.providers(...plan.page), views.providers(...plan.page))
  for (let cursor: bigint | undefined = 0n, page = 0; cursor !== undefined; page++) {
    const expected = model.registrations(cursor, plan.pageLimit)
    probe(`registrations page ${page} (cursor ${describeCursor(cursor)}, limit ${plan.pageLimit})`, false, expected, views.registrations(cursor, plan.pageLimit))
    cursor = expected.next
  }
  probe(`registrations(cursor ${describeCursor(plan.oddCursor)}, limit ${plan.pageLimit})`, false, model.registrations(plan.oddCursor, plan.pageLimit), views.registrations(plan.oddCursor, plan.pageLimit))

  const findings: Finding[] = []
  const snapshot = new Map<string, string>()
  const answers = new Map<string, unknown>()
  for (const { label, stable, expected, actual } of probes) {
    let answer: unknown
    try {
      answer = await actual
    } catch (err) {
      findings.push({ what: `${label} failed: ${err instanceof Error ? err.message : String(err)}` })
      continue
    }
    answers.set(label, answer)
    const [want, got] = [show(expected), show(answer)]
    if (want !== got) findings.push({ what: label, expected: want, actual: got })
    if (stable) snapshot.set(label, got)
  }
  findings.push(...checkNothingUnapprovedVerifies(cast, answers))
  return { findings, snapshot }
}

/**
 * Invariant, from the chain's answers alone: every provider a
 * `checkResources` names is approved (in the provider list) and lists that
 * node under that kind (in the full registration listing).
 */
function checkNothingUnapprovedVerifies (cast: Cast, answers: ReadonlyMap<string, unknown>): Finding[] {
  const findings: Finding[] = []
  const nodeIds = [...cast.nodes.map((node) => node.nodeId), cast.strayNodeId]
  const providers = (answers.get(ALL_PROVIDERS) ?? []) as ProviderView[]
  const listing = answers.get(FULL_LISTING) as RegistrationPageView | undefined
  for (const [label, answer] of answers) {
    if (!label.startsWith('checkResources(') || !Array.isArray(answer)) continue
    const kindId = cast.kindIds.find((id) => label.startsWith(`checkResources(${cast.name(id)},`))
    answer.forEach((provider: unknown, index) => {
      if (typeof provider !== 'string') return
      const nodeId = nodeIds[index]!
      const status = providers.find((entry) => entry.address === provider)?.status
      if (status !== 'approved') {
        findings.push({ what: `invariant: ${label} says ${cast.name(nodeId)} verifies for ${cast.name(provider)}, whose status is ${status ?? 'none'}` })
      }
      const listed = listing?.entries.some((entry) => entry.provider === provider && entry.kindId === kindId && entry.nodeIds.includes(nodeId.slice(2)))
      if (listing !== undefined && listing.next === undefined && listed !== true) {
        findings.push({ what: `invariant: ${label} says ${cast.name(nodeId)} verifies for ${cast.name(provider)}, whose registrations do not hold it` })
      }
    })
  }
  return findings
}

/** Invariant: a call that reverted changed no view. */
export function compareSnapshots (before: ViewSnapshot, after: ViewSnapshot): Finding[] {
  const findings: Finding[] = []
  for (const [label, value] of after) {
    const previous = before.get(label)
    if (previous !== undefined && previous !== value) {
      findings.push({ what: `invariant: a reverted call changed ${label}`, expected: previous, actual: value })
    }
  }
  return findings
}

/**
 * Invariant, without the model: each event of a successful call was the
 * caller's to cause, judged from the curator and proposed curator the
 * chain reported before the call.
 * - status changes and details: the curator, or an account applying for itself (to pending);
 * - a curator proposal: the curator; a transfer: the proposed account taking over;
 * - a node added: by the provider itself; removed: by the provider itself, or
 *   on a withdrawal the node's key signed for that kind, node and provider.
 */
export function checkAuthority (call: RegistryCall, events: readonly Emitted[], curatorBefore: string, pendingBefore: string | undefined, domain: SigningDomain): Finding[] {
  const caller = getAddress(call.caller)
  const findings: Finding[] = []
  const wrong = (event: Emitted, why: string): void => {
    findings.push({ what: `invariant: ${call.fn} by ${caller} emitted ${event.event}(${event.args.map(String).join(', ')}) ${why}` })
  }
  for (const event of events) {
    const [first, second, third] = event.args
    switch (event.event) {
      case 'ProviderDetailsSet':
        if (caller !== curatorBefore && caller !== first) wrong(event, 'but the caller is neither the curator nor the provider')
        break
      case 'ProviderStatusChanged':
        if (caller !== curatorBefore && !(caller === first && third === BigInt(STATUSES.indexOf('pending')))) {
          wrong(event, 'but only the curator changes statuses (and an account applying for itself)')
        }
        break
      case 'CuratorProposed':
        if (caller !== curatorBefore || first !== caller) wrong(event, 'but the caller was not the curator')
        break
      case 'CuratorTransferred':
        if (caller !== pendingBefore || second !== caller || first !== curatorBefore) wrong(event, 'but the caller was not the proposed curator')
        break
      case 'ResourceAdded':
        if (third !== caller) wrong(event, 'for a provider other than the caller')
        break
      case 'ResourceRemoved':
        if (third !== caller && !withdrawalSigned(call, String(first), String(second), String(third), domain)) {
          wrong(event, 'for a provider other than the caller, without the node\'s signed withdrawal')
        }
        break
      default:
        wrong(event, 'which the test does not know')
    }
  }
  return findings
}

function withdrawalSigned (call: RegistryCall, kindId: string, nodeId: string, provider: string, domain: SigningDomain): boolean {
  if (call.fn !== 'withdrawResource') return false
  const digest = nodeMessageDigest(domain, { type: 'NodeWithdrawal', kindId, nodeId, provider, nonce: call.nonce, deadline: call.deadline })
  return recoverSigner(digest, call.signature) === nodeAddress(nodeId)
}

/** A value as canonical text: bigints as decimals, objects with sorted keys. */
function show (value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (typeof inner === 'bigint') return `${inner}n`
    if (inner === undefined) return null
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
      return Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
    }
    return inner
  })
}

function describeCursor (cursor: bigint): string {
  return `set ${cursor >> 128n} node ${cursor & ((1n << 128n) - 1n)}`
}
