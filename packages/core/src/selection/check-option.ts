import { InvalidConfigurationError } from '../errors.js'

/**
 * @internal
 * `value`, or `fallback` when it is absent; checks that it is a number of the
 * right sort, else throws {@link InvalidConfigurationError} naming `option`.
 */
export function checkNumberOption (value: number | undefined, option: string, fallback: number, sort: 'positive integer' | 'positive number' | 'non-negative number'): number {
  if (value === undefined) {
    return fallback
  }
  const ok = Number.isFinite(value) && (
    sort === 'positive integer' ? Number.isInteger(value) && value > 0
      : sort === 'positive number' ? value > 0
        : value >= 0)
  if (!ok) {
    throw new InvalidConfigurationError(option, `expected a ${sort}, got ${JSON.stringify(value)}`)
  }
  return value
}
