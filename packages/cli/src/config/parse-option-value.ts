import { isAbsolute, resolve } from 'node:path'
import { InvalidOptionValueError } from '../errors.js'
import type { OptionMap, OptionSpec, OptionValue } from './option-spec.js'

const DURATION_UNITS_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 }
const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on'])
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off', ''])

/**
 * Parses a duration: milliseconds as a bare number (`5000`), or a number with
 * a unit (`500ms`, `5s`, `1.5s`, `2m`).
 *
 * @returns milliseconds, or `undefined` if it is not a duration
 */
export function parseDurationMs (text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim())
  if (match?.[1] === undefined) {
    return undefined
  }
  const ms = Number(match[1]) * (DURATION_UNITS_MS[match[2] ?? 'ms'] ?? 1)
  return Number.isSafeInteger(Math.round(ms)) ? Math.round(ms) : undefined
}

/** Parses `name=value` pairs into an object; later pairs win. */
export function parseNameValues (pairs: readonly string[], where: string): Record<string, string> {
  const result: Record<string, string> = {}
  for (const pair of pairs) {
    const at = pair.indexOf('=')
    if (at <= 0) {
      throw new InvalidOptionValueError(where, `expected NAME=VALUE, got "${pair}"`)
    }
    result[pair.slice(0, at).trim()] = pair.slice(at + 1)
  }
  return result
}

function checkInteger (spec: OptionSpec, value: number, where: string): number {
  if (!Number.isSafeInteger(value)) {
    throw new InvalidOptionValueError(where, `expected a whole number, got ${JSON.stringify(value)}`)
  }
  if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
    const range = spec.max === undefined ? `at least ${spec.min ?? 0}` : `from ${spec.min ?? 0} to ${spec.max}`
    throw new InvalidOptionValueError(where, `expected a number ${range}, got ${value}`)
  }
  return value
}

function withPath (spec: OptionSpec, value: string, baseDir: string | undefined): string {
  return spec.path === true && baseDir !== undefined && value !== '' && !isAbsolute(value) ? resolve(baseDir, value) : value
}

/**
 * A value given as text, on the command line or in the environment.
 *
 * @param where - how errors name it: the flag or the environment variable
 * @throws {@link InvalidOptionValueError} if it is not of the option's type
 */
export function parseTextValue (spec: OptionSpec, text: string | readonly string[], where: string): OptionValue {
  const texts = typeof text === 'string' ? [text] : text
  const single = texts[texts.length - 1] ?? ''
  switch (spec.type) {
    case 'string':
      return single
    case 'integer': {
      if (!/^-?\d+$/.test(single.trim())) {
        throw new InvalidOptionValueError(where, `expected a whole number, got "${single}"`)
      }
      return checkInteger(spec, Number(single), where)
    }
    case 'duration': {
      const ms = parseDurationMs(single)
      if (ms === undefined) {
        throw new InvalidOptionValueError(where, `expected a duration (5000, 500ms, 5s, 1m), got "${single}"`)
      }
      return ms
    }
    case 'boolean': {
      const word = single.trim().toLowerCase()
      if (TRUE_WORDS.has(word)) {
        return true
      }
      if (FALSE_WORDS.has(word)) {
        return false
      }
      throw new InvalidOptionValueError(where, `expected 1/true/yes or 0/false/no, got "${single}"`)
    }
    case 'list':
      // the environment gives one comma-separated string; flags give one entry per flag
      return texts.flatMap((entry) => typeof text === 'string' ? entry.split(',') : [entry]).map((entry) => entry.trim()).filter((entry) => entry !== '')
    case 'map':
      return { flags: parseNameValues(texts, where), byKind: {} } satisfies OptionMap
  }
}

/**
 * A value given in the config file, as JSON.
 *
 * @param where - how errors name it, e.g. `udpPort in ./rdisc.json`
 * @param baseDir - the config file's directory, that relative paths are taken from
 * @throws {@link InvalidOptionValueError} if it is not of the option's type
 */
export function parseJsonValue (spec: OptionSpec, value: unknown, where: string, baseDir?: string): OptionValue {
  const fail = (expected: string): never => {
    throw new InvalidOptionValueError(where, `expected ${expected}, got ${JSON.stringify(value)}`)
  }
  switch (spec.type) {
    case 'string':
      return typeof value === 'string' ? withPath(spec, value, baseDir) : fail('a string')
    case 'integer':
      return typeof value === 'number' ? checkInteger(spec, value, where) : fail('a number')
    case 'duration':
      if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
        return value
      }
      return typeof value === 'string' ? parseTextValue(spec, value, where) : fail('milliseconds or a duration string')
    case 'boolean':
      return typeof value === 'boolean' ? value : fail('true or false')
    case 'list':
      // one string is a list of one where the key is shared with a string option ("rpcUrl")
      if (spec.oneOrMany === true && typeof value === 'string') {
        return [withPath(spec, value, baseDir)]
      }
      return Array.isArray(value) && value.every((entry) => typeof entry === 'string')
        ? value.map((entry: string) => withPath(spec, entry, baseDir))
        : fail('an array of strings')
    case 'map': {
      const isStringRecord = (entry: unknown): entry is Record<string, string> =>
        typeof entry === 'object' && entry !== null && !Array.isArray(entry) && Object.values(entry).every((inner) => typeof inner === 'string')
      if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every(isStringRecord)) {
        return fail('an object by kind of objects of strings, e.g. {"push": {"gateway": "log"}}')
      }
      return { flags: {}, byKind: value as Record<string, Record<string, string>> } satisfies OptionMap
    }
  }
}
