import { STATUS_CODES } from 'node:http'
import { ResourceDiscoveryError } from '@resource-discovery/core'
import { PATTERN_DESCRIPTIONS } from './schemas.js'
import type { ErrorBody } from './views.js'

/** The HTTP status of each typed error the API can answer with. */
export const ERROR_STATUS: Readonly<Record<string, number>> = {
  // the request is wrong
  InvalidConfigurationError: 400,
  InvalidEnrError: 400,
  InvalidEnrSignatureError: 400,
  InvalidMultiaddrError: 400,
  InvalidPeerIdError: 400,
  InvalidPublicKeyError: 400,
  InvalidResourceKindError: 400,
  // what it names does not exist
  UnknownResourceKindError: 404,
  KindNotWatchedError: 404,
  CustomServerNotFoundError: 404,
  // it is addressed to another host (DNS rebinding)
  ForbiddenHostError: 403,
  // it conflicts with the daemon's state
  CustomServerExistsError: 409,
  RegistryNotConfiguredError: 409,
  // the daemon cannot answer yet, or what it asks cannot
  NoTrustedResourceError: 503,
  RegistryUnavailableError: 503,
  RpcUnavailableError: 503,
  RpcRateLimitedError: 503,
  RpcDisagreementError: 502,
  JsonRpcError: 502,
  NotStartedError: 503,
  WebPageNotBuiltError: 503,
  // the daemon failed
  StateFileWriteError: 500
}

/** A validation problem, as ajv reports it (with `verbose`, it carries the schema and the data). */
interface SchemaProblem {
  readonly keyword: string
  readonly instancePath: string
  readonly params: Record<string, unknown>
  readonly message?: string
  readonly parentSchema?: { readonly properties?: Record<string, unknown> }
  readonly data?: unknown
}

interface HttpishError {
  readonly statusCode?: unknown
  readonly field?: unknown
  readonly validation?: readonly SchemaProblem[]
  readonly validationContext?: string
}

const CONTEXTS: Readonly<Record<string, string>> = {
  body: 'request body',
  querystring: 'query string',
  params: 'URL path',
  headers: 'request headers'
}

/**
 * The body the API answers `err` with: a typed error keeps its name and
 * message and gets the status of {@link ERROR_STATUS} (or its own
 * `statusCode`); a schema mismatch is a 400 `ValidationError` naming the
 * field; fastify's own client errors keep their status; anything else is a
 * 500 that tells no internals.
 */
export function errorBody (err: unknown): ErrorBody {
  const httpish = (typeof err === 'object' && err !== null ? err : {}) as HttpishError
  const ownStatus = typeof httpish.statusCode === 'number' && httpish.statusCode >= 400 && httpish.statusCode < 600 ? httpish.statusCode : undefined
  if (httpish.validation !== undefined && httpish.validation.length > 0) {
    const field = validationField(httpish.validation[0])
    return { error: 'ValidationError', message: validationMessage(httpish.validationContext, httpish.validation), statusCode: 400, ...(field === undefined ? {} : { field }) }
  }
  if (err instanceof ResourceDiscoveryError) {
    const field = typeof httpish.field === 'string' ? { field: httpish.field } : {}
    return { error: err.name, message: err.message, statusCode: ownStatus ?? ERROR_STATUS[err.name] ?? 500, ...field }
  }
  if (ownStatus !== undefined && ownStatus < 500 && err instanceof Error) {
    return { error: statusName(ownStatus), message: err.message.replace(/\.$/, ''), statusCode: ownStatus }
  }
  const statusCode = ownStatus ?? 500
  return { error: statusName(statusCode), message: 'The daemon failed to answer this request; its log has the details', statusCode }
}

/** Marks `err` to be answered with `statusCode` whatever its type, e.g. an unknown kind named in a request body (400, not 404). */
export function withStatus<E extends Error> (err: E, statusCode: number): E & { statusCode: number } {
  return Object.assign(err, { statusCode })
}

/**
 * Marks `err` as being about the request field `field` (e.g. `address`, or
 * a path such as `trustedProviders/2`): its answer carries `field`, so a
 * form can show the message next to that input.
 */
export function withField<E extends Error> (err: E, field: string): E & { field: string } {
  return Object.assign(err, { field })
}

/**
 * The field a validation problem is about, as a `/`-separated path without
 * the leading slash (`trustedProviders/2`, `address`); `undefined` when it is
 * about the whole input (a body that is not an object).
 */
export function validationField (problem: SchemaProblem | undefined): string | undefined {
  if (problem === undefined) {
    return undefined
  }
  const parts = problem.instancePath.split('/').slice(1).map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
  if (problem.keyword === 'required') {
    parts.push(String(problem.params.missingProperty))
  } else if (problem.keyword === 'additionalProperties') {
    parts.push(String(problem.params.additionalProperty))
  }
  return parts.length === 0 ? undefined : parts.join('/')
}

/** One sentence naming the field at fault and what was expected. */
export function validationMessage (context: string | undefined, problems: readonly SchemaProblem[]): string {
  const where = CONTEXTS[context ?? ''] ?? 'request'
  const problem = problems[0]
  if (problem === undefined) {
    return `Invalid ${where}`
  }
  const path = fieldPath(problem.instancePath)
  const subject = path === '' ? 'it' : path
  const got = problem.data === undefined ? '' : `, got ${JSON.stringify(problem.data)}`
  const { params } = problem
  switch (problem.keyword) {
    case 'required':
      return `Invalid ${where}: ${joinPath(path, String(params.missingProperty))} is required`
    case 'additionalProperties': {
      const allowed = Object.keys(problem.parentSchema?.properties ?? {})
      const field = joinPath(path, String(params.additionalProperty))
      return `Invalid ${where}: unknown field "${field}"${allowed.length === 0 ? '' : ` (allowed: ${allowed.join(', ')})`}`
    }
    case 'pattern': {
      const pattern = String(params.pattern)
      return `Invalid ${where}: ${subject} must be ${PATTERN_DESCRIPTIONS[pattern] ?? `a string matching ${pattern}`}${got}`
    }
    case 'enum':
      return `Invalid ${where}: ${subject} must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}${got}`
    case 'type':
      return `Invalid ${where}: ${subject} must be ${withArticle(String(params.type))}, got ${describeType(problem.data)}`
    default:
      return `Invalid ${where}: ${subject} ${problem.message ?? 'is not valid'}`
  }
}

/** `/trustedProviders/1` as `trustedProviders[1]`. */
function fieldPath (instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((path, part) => /^\d+$/.test(part) ? `${path}[${part}]` : joinPath(path, part), '')
}

function joinPath (path: string, field: string): string {
  return path === '' ? field : `${path}.${field}`
}

function withArticle (type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

function describeType (value: unknown): string {
  if (value === undefined) {
    return 'nothing'
  }
  if (value === null) {
    return 'null'
  }
  if (Array.isArray(value)) {
    return 'an array'
  }
  return withArticle(typeof value)
}

function statusName (statusCode: number): string {
  return (STATUS_CODES[statusCode] ?? 'Error').replace(/[^A-Za-z]/g, '')
}
