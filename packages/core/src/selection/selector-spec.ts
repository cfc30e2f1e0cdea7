import { InvalidConfigurationError } from '../errors.js'
import { normalizeNodeId } from '../identity/node-identity.js'

/** `random`: uniform over the candidates; takes no options and no inner selector. */
export interface RandomSelectorSpec {
  readonly strategy: 'random'
}

/** `latency[:options][>inner]`; see `LatencySelectorInit`. */
export interface LatencySelectorSpec {
  readonly strategy: 'latency'
  readonly concurrency?: number
  readonly timeoutMs?: number
  readonly cacheTtlMs?: number
  readonly fastestFraction?: number
  /** Picks among the fastest; random if absent. */
  readonly inner?: SelectorSpec
}

/** `pinned:<nodeId>[,<nodeId>...][,options][>fallback]`; see `PinnedSelectorInit`. */
export interface PinnedSelectorSpec {
  readonly strategy: 'pinned'
  /** Normalised node ids (64 lower-case hex characters), most preferred first. */
  readonly nodeIds: readonly string[]
  readonly timeoutMs?: number
  readonly cacheTtlMs?: number
  /** Picks when no pinned server can be used; random if absent. */
  readonly fallback?: SelectorSpec
}

/** `sticky[:options][>inner]`; see `StickyFailoverSelectorInit`. */
export interface StickySelectorSpec {
  readonly strategy: 'sticky'
  /** Failures in a row before switching (`maxFailures`). */
  readonly failures?: number
  readonly backoffMs?: number
  readonly maxBackoffMs?: number
  readonly graylistMs?: number
  /** Picks a new server; random if absent. */
  readonly inner?: SelectorSpec
}

/** `weighted:<provider>=<weight>[,...][,default=<weight>][>fallback]`; see `ProviderWeightedSelectorInit`. */
export interface WeightedSelectorSpec {
  readonly strategy: 'weighted'
  /** Weight by provider, lower-cased. */
  readonly weights: Readonly<Record<string, number>>
  readonly defaultWeight?: number
  /** Picks when every candidate weighs 0; random if absent. */
  readonly fallback?: SelectorSpec
}

/** A selection strategy as parsed by {@link parseSelectorSpec}; build it with `createSelector`. */
export type SelectorSpec = RandomSelectorSpec | LatencySelectorSpec | PinnedSelectorSpec | StickySelectorSpec | WeightedSelectorSpec

/** The strategies a selector spec can name. */
export const SELECTOR_STRATEGIES = ['random', 'latency', 'pinned', 'sticky', 'weighted'] as const

type NumberSort = 'positive integer' | 'positive number' | 'non-negative number' | 'share'

/** The `key=value` options of each strategy, with the sort of number each takes. */
const OPTIONS: Readonly<Record<Exclude<SelectorSpec['strategy'], 'random'>, Readonly<Record<string, NumberSort>>>> = {
  latency: { concurrency: 'positive integer', timeoutMs: 'positive number', cacheTtlMs: 'non-negative number', fastestFraction: 'share' },
  pinned: { timeoutMs: 'positive number', cacheTtlMs: 'non-negative number' },
  sticky: { failures: 'positive integer', backoffMs: 'positive number', maxBackoffMs: 'positive number', graylistMs: 'non-negative number' },
  weighted: { default: 'non-negative number' }
}

const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)$/
const PROVIDER_ADDRESS = /^0x[0-9a-fA-F]{40}$/
const PROVIDER_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/

/**
 * Parses a selection strategy written as text, as the daemon's and the
 * CLI's configuration give it per kind.
 *
 * Grammar (spaces around tokens are ignored):
 *
 * ```text
 * spec     = layer *( ">" layer )        each layer picks with the next as its inner/fallback selector
 * layer    = strategy [ ":" arg *( "," arg ) ]
 * arg      = key "=" number              an option
 *          | word                        a positional value (pinned: a node id)
 * strategy = "random" | "latency" | "pinned" | "sticky" | "weighted"
 * ```
 *
 * | strategy | arguments | inner (after `>`) |
 * | --- | --- | --- |
 * | `random` | none | none: it must be last |
 * | `latency` | `concurrency` (8), `timeoutMs` (1000), `cacheTtlMs` (30000), `fastestFraction` (0.25) | picks among the fastest |
 * | `pinned` | node ids (64 hex, `0x` optional), most preferred first, at least one; `timeoutMs`, `cacheTtlMs` (reachability, when a probe is given) | picks when no pin can be used |
 * | `sticky` | `failures` (2), `backoffMs` (10000), `maxBackoffMs` (300000), `graylistMs` (180000) | picks a new server |
 * | `weighted` | `<provider>=<weight>` (provider: `0x` + 40 hex, or a name such as `user`), at least one; `default=<weight>` (1) | picks when every weight is 0 |
 *
 * A layer without an inner selector uses `random`.
 *
 * @example
 * ```ts
 * parseSelectorSpec('random')
 * parseSelectorSpec('latency:concurrency=4,timeoutMs=500')
 * parseSelectorSpec(`pinned:${myNodeId}>latency`)
 * parseSelectorSpec('sticky:failures=2,backoffMs=10000,graylistMs=180000>latency')
 * parseSelectorSpec('weighted:0xAbC...=3,0xDeF...=1,user=5')
 * ```
 *
 * @param option - the configuration path named in errors, e.g. `kinds.mailserver.selector`
 * @throws {@link InvalidConfigurationError} naming the strategy and what is wrong
 */
export function parseSelectorSpec (text: string, option = 'selector'): SelectorSpec {
  const layers = text.split('>').map((layer) => layer.trim())
  let inner: SelectorSpec | undefined
  for (let index = layers.length - 1; index >= 0; index--) {
    inner = parseLayer(layers[index] ?? '', inner, { text, option, last: index === layers.length - 1 })
  }
  if (inner === undefined) {
    throw new InvalidConfigurationError(option, 'the selector spec is empty')
  }
  return inner
}

/** The text form of `spec`, which {@link parseSelectorSpec} reads back to an equal spec. */
export function formatSelectorSpec (spec: SelectorSpec): string {
  const layer = (strategy: string, args: Array<string | undefined>, inner: SelectorSpec | undefined): string => {
    const given = args.filter((arg) => arg !== undefined)
    return `${strategy}${given.length === 0 ? '' : `:${given.join(',')}`}${inner === undefined ? '' : `>${formatSelectorSpec(inner)}`}`
  }
  const opt = (key: string, value: number | undefined): string | undefined => value === undefined ? undefined : `${key}=${value}`
  switch (spec.strategy) {
    case 'random':
      return 'random'
    case 'latency':
      return layer('latency', [opt('concurrency', spec.concurrency), opt('timeoutMs', spec.timeoutMs), opt('cacheTtlMs', spec.cacheTtlMs), opt('fastestFraction', spec.fastestFraction)], spec.inner)
    case 'pinned':
      return layer('pinned', [...spec.nodeIds, opt('timeoutMs', spec.timeoutMs), opt('cacheTtlMs', spec.cacheTtlMs)], spec.fallback)
    case 'sticky':
      return layer('sticky', [opt('failures', spec.failures), opt('backoffMs', spec.backoffMs), opt('maxBackoffMs', spec.maxBackoffMs), opt('graylistMs', spec.graylistMs)], spec.inner)
    case 'weighted':
      return layer('weighted', [...Object.entries(spec.weights).map(([provider, weight]) => `${provider}=${weight}`), opt('default', spec.defaultWeight)], spec.fallback)
  }
}

interface ParseState {
  readonly text: string
  readonly option: string
  readonly last: boolean
}

function parseLayer (layer: string, inner: SelectorSpec | undefined, state: ParseState): SelectorSpec {
  const colon = layer.indexOf(':')
  const name = (colon === -1 ? layer : layer.slice(0, colon)).trim()
  const fail = (problem: string): never => {
    throw new InvalidConfigurationError(state.option, `${name === '' ? 'selector spec' : name}: ${problem} (in ${JSON.stringify(state.text)})`, { details: { spec: state.text, strategy: name } })
  }
  if (name === '') {
    fail(`a strategy name is missing; expected one of ${SELECTOR_STRATEGIES.join(', ')}`)
  }
  if (!(SELECTOR_STRATEGIES as readonly string[]).includes(name)) {
    fail(`unknown strategy; expected one of ${SELECTOR_STRATEGIES.join(', ')}`)
  }
  const strategy = name as SelectorSpec['strategy']
  const args = colon === -1 ? [] : layer.slice(colon + 1).split(',').map((arg) => arg.trim())
  if (args.some((arg) => arg === '')) {
    fail('an argument is empty (two commas in a row, or a comma or colon at the end?)')
  }
  if (strategy === 'random') {
    if (args.length > 0) fail('takes no arguments')
    if (!state.last) fail('takes no inner selector, so it must come last')
    return { strategy }
  }
  const known = OPTIONS[strategy]
  const options: Record<string, number> = {}
  const words: string[] = []
  const pairs: Array<[string, string]> = []
  for (const arg of args) {
    const equals = arg.indexOf('=')
    if (equals === -1) {
      words.push(arg)
      continue
    }
    const key = arg.slice(0, equals).trim()
    const value = arg.slice(equals + 1).trim()
    if (key === '' || value === '') {
      fail(`"${arg}" is not key=value`)
    }
    const sort = known[key]
    if (sort === undefined) {
      if (strategy === 'weighted') {
        pairs.push([key, value])
        continue
      }
      fail(`unknown option "${key}"; expected ${Object.keys(known).join(', ')}`)
    } else {
      if (key in options) fail(`"${key}" is given twice`)
      options[key] = parseNumber(value, sort, key, fail)
    }
  }
  const nested = inner === undefined ? {} : strategy === 'pinned' || strategy === 'weighted' ? { fallback: inner } : { inner }
  switch (strategy) {
    case 'latency':
    case 'sticky':
      if (words.length > 0) fail(`"${words[0]}" is not key=value; expected ${Object.keys(known).join(', ')}`)
      return { strategy, ...options, ...nested }
    case 'pinned': {
      if (words.length === 0) fail('give at least one node id to pin, e.g. pinned:<64 hex characters>')
      const nodeIds = words.map((word) => normalizeNodeId(word) ?? fail(`"${word}" is not a node id (64 hex characters)`))
      const twice = nodeIds.find((nodeId, index) => nodeIds.indexOf(nodeId) !== index)
      if (twice !== undefined) fail(`node id ${twice.slice(0, 8)}... is pinned twice`)
      return { strategy, nodeIds, ...options, ...nested }
    }
    case 'weighted': {
      if (words.length > 0) fail(`"${words[0]}" is not provider=weight`)
      if (pairs.length === 0) fail('give at least one provider=weight, e.g. weighted:0xAbC...=3')
      const weights: Record<string, number> = {}
      for (const [provider, value] of pairs) {
        if (!PROVIDER_ADDRESS.test(provider) && !PROVIDER_NAME.test(provider)) {
          fail(`"${provider}" is not a provider: expected an address (0x and 40 hex characters) or a name such as "user"`)
        }
        const key = provider.toLowerCase()
        if (key in weights) fail(`provider ${provider} is given twice`)
        weights[key] = parseNumber(value, 'non-negative number', provider, fail)
      }
      const { default: defaultWeight } = options
      return { strategy, weights, ...(defaultWeight === undefined ? {} : { defaultWeight }), ...nested }
    }
  }
}

function parseNumber (value: string, sort: NumberSort, key: string, fail: (problem: string) => never): number {
  const number = NUMBER.test(value) ? Number(value) : Number.NaN
  const ok = Number.isFinite(number) && (
    sort === 'positive integer' ? Number.isInteger(number) && number > 0
      : sort === 'positive number' ? number > 0
        : sort === 'share' ? number > 0 && number <= 1
          : number >= 0)
  if (!ok) {
    fail(`${key} must be ${sort === 'share' ? 'a share in (0, 1]' : `a ${sort}`}, got "${value}"`)
  }
  return number
}
