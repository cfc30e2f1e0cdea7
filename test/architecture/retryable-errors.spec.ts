import { join } from 'node:path'
import {
  isOverloadedError, isRetryableError, ResourceDiscoveryError, ResourceOverloadedError, RpcUnavailableError
} from '@resource-discovery/core'
import { PushRequestRefusedError, PushStatus, pushStatusName, RETRYABLE_PUSH_STATUSES } from '@resource-discovery/plugin-push'
import { expect } from 'chai'
import { entryPoints, publicPackages, specifier } from '../packaging/consumer-project.js'

/**
 * Failover (`connect()`, `withFailover()`) decides by an error's `retryable`
 * and `overloaded` properties, never by its class name. Each error class
 * states its `retryable` in its own body (`static override readonly
 * retryable = ...`), so a new class cannot slip through by inheriting its
 * parent's value: this suite reads every class exported by the entry points
 * of the workspace packages and fails on one that does not.
 */

const root = join(import.meta.dirname, '..', '..')

/** Packages whose entry points are not read, with why. Every other workspace package is. */
const NOT_CHECKED: Readonly<Record<string, string>> = {
  cli: 'command-line usage errors: plain `Error` subclasses the CLI prints, never met by a client',
  web: 'the daemon\'s browser page: errors of its calls to the local daemon',
  testkit: 'test support for plugin authors, not a runtime path'
}

/** The specifier of every entry point of every checked workspace package (`@resource-discovery/plugin-mailserver/server`), from each package.json's `exports`. */
async function checkedSpecifiers (): Promise<string[]> {
  const packages = (await publicPackages(root)).filter(({ folder }) => !(folder in NOT_CHECKED))
  return packages.flatMap(({ name, manifest }) => entryPoints(manifest).map((subpath) => specifier(name, subpath)))
}

type ErrorClass = (new (...args: never[]) => Error) & { readonly name: string, readonly retryable?: unknown, readonly overloaded?: unknown }

interface ExportedErrorClass {
  readonly value: ErrorClass
  /** Where it was first seen, e.g. `@resource-discovery/client-host: ConnectionFailedError`. */
  readonly where: string
}

/** Every `Error` subclass the entry points export, each once (a class re-exported elsewhere is the same value). */
async function exportedErrorClasses (): Promise<ExportedErrorClass[]> {
  const seen = new Map<unknown, ExportedErrorClass>()
  for (const entry of await checkedSpecifiers()) {
    const module = await import(entry) as Record<string, unknown>
    for (const [exportName, value] of Object.entries(module)) {
      if (typeof value === 'function' && value.prototype instanceof Error && !seen.has(value)) {
        seen.set(value, { value: value as ErrorClass, where: `${entry}: ${exportName}` })
      }
    }
  }
  return [...seen.values()]
}

/** Why `type` lacks a deliberate `retryable` of its own, or undefined if it has one. */
function undeclaredRetryable (type: ErrorClass): string | undefined {
  if (!Object.hasOwn(type, 'retryable')) return 'inherits `retryable` instead of declaring `static override readonly retryable`'
  if (typeof type.retryable !== 'boolean') return `declares \`retryable\` as ${String(type.retryable)}, not true or false`
  return undefined
}

describe('retryable errors', () => {
  let classes: ExportedErrorClass[]

  before(async () => {
    classes = await exportedErrorClasses()
  })

  it('behavior: the entry points were read, transport and plugin errors included', () => {
    const names = classes.map(({ value }) => value.name)
    expect(classes.length).to.be.above(80)
    expect(names).to.include.members([
      'ResourceDiscoveryError', 'ConnectionFailedError', 'StreamClosedError', 'ServerOverloadedError', 'PushRequestRefusedError',
      'MalformedEnvelopeError', 'InvalidWakuFieldError', 'ServerStartError', 'TopicRequestFailedError', 'StoreOpenError'
    ])
  })

  it('behavior: every exported error class declares its own retryable, true or false', () => {
    const undeclared = classes.flatMap(({ value, where }) => {
      const problem = undeclaredRetryable(value)
      return problem === undefined ? [] : [`${where} ${problem}`]
    })
    expect(undeclared).to.deep.equal([])
  })

  it('behavior: every exported error class extends ResourceDiscoveryError, so its instances carry retryable and overloaded', () => {
    const foreign = classes.filter(({ value }) => !(value.prototype instanceof ResourceDiscoveryError) && value !== ResourceDiscoveryError)
    expect(foreign.map(({ where }) => where)).to.deep.equal([])
  })

  it('behavior: an overloaded class is retryable', () => {
    const overloaded = classes.filter(({ value }) => value.overloaded === true)
    expect(overloaded.map(({ value }) => value.name)).to.include.members(['ResourceOverloadedError', 'ServerOverloadedError'])
    expect(overloaded.filter(({ value }) => value.retryable !== true).map(({ where }) => where)).to.deep.equal([])
  })

  it('behavior: the classes that fail over are the ones reviewed (a flipped value fails here)', () => {
    // what moves a request to another server: transport failures, and a server's own busy, faulty or foreign-version answers
    const retryable = classes.filter(({ value }) => value.retryable === true).map(({ value }) => value.name).sort()
    expect(retryable).to.deep.equal([
      'ConnectionFailedError', 'DecryptionFailedError', 'DnsTimeoutError', 'IdentityMismatchError', 'InvalidPushResponseError',
      'MalformedResponseError', 'ProtocolNotSupportedError', 'RequestTimeoutError', 'ResourceOverloadedError', 'RpcRateLimitedError',
      'ServerInternalError', 'ServerOverloadedError', 'StreamClosedError', 'UnsupportedPushVersionError', 'UnsupportedVersionError'
    ])
  })

  it('behavior: the declaration check tells a declared value from an inherited one (it can fail)', () => {
    class Declared extends ResourceDiscoveryError {
      static override readonly retryable = false
    }
    class Inherited extends Declared {}
    expect(undeclaredRetryable(Declared)).to.equal(undefined)
    expect(undeclaredRetryable(Inherited)).to.be.a('string')
  })
})

describe('isRetryableError and isOverloadedError', () => {
  it('behavior: an instance carries its class\'s declared values', () => {
    class Busy extends ResourceDiscoveryError {
      static override readonly retryable = true
      static override readonly overloaded = true
    }
    class Refused extends ResourceDiscoveryError {
      static override readonly retryable = false
    }
    expect(new Busy('busy')).to.include({ retryable: true, overloaded: true })
    expect(new Refused('refused')).to.include({ retryable: false, overloaded: false })
    expect([isRetryableError(new Busy('busy')), isOverloadedError(new Busy('busy'))]).to.deep.equal([true, true])
    expect([isRetryableError(new Refused('refused')), isOverloadedError(new Refused('refused'))]).to.deep.equal([false, false])
    expect([isRetryableError(new ResourceOverloadedError('x')), isOverloadedError(new ResourceOverloadedError('x'))]).to.deep.equal([true, true])
  })

  it('behavior: a class may decide per instance (RpcUnavailableError by HTTP status, PushRequestRefusedError by push status)', () => {
    expect(isRetryableError(new RpcUnavailableError('http://127.0.0.1:8545', 'HTTP 503', { status: 503 }))).to.equal(true)
    expect(isRetryableError(new RpcUnavailableError('http://127.0.0.1:8545', 'HTTP 500', { status: 500 }))).to.equal(false)
    const retried = [...RETRYABLE_PUSH_STATUSES].sort((a, b) => a - b)
    expect(retried).to.deep.equal([PushStatus.UNSUPPORTED_VERSION, PushStatus.UNDECRYPTABLE, PushStatus.BUSY, PushStatus.LIMIT_REACHED, PushStatus.INTERNAL])
    for (const status of Object.values(PushStatus)) {
      expect(isRetryableError(new PushRequestRefusedError(status)), pushStatusName(status)).to.equal(retried.includes(status))
      // BUSY alone says the server can take no more for now: the selector stops choosing it at once
      expect(isOverloadedError(new PushRequestRefusedError(status)), `${pushStatusName(status)} overloaded`).to.equal(status === PushStatus.BUSY)
    }
  })

  it('behavior: the check is structural, for an error of a duplicate install of core or a plugin that does not extend the base', () => {
    expect(isRetryableError(Object.assign(new Error('gone'), { retryable: true }))).to.equal(true)
    expect(isOverloadedError(Object.assign(new Error('busy'), { retryable: true, overloaded: true }))).to.equal(true)
  })

  it('error: a class name alone is not retryable, nor is a non-Error', () => {
    const named = new Error('lost')
    named.name = 'ConnectionFailedError'
    const overloadedName = new Error('busy')
    overloadedName.name = 'ResourceOverloadedError'
    expect(isRetryableError(named)).to.equal(false)
    expect(isOverloadedError(overloadedName)).to.equal(false)
    expect(isRetryableError({ retryable: true })).to.equal(false)
    expect(isRetryableError(Object.assign(new Error('maybe'), { retryable: 'yes' }))).to.equal(false)
  })
})
