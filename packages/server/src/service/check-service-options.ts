import { InvalidConfigurationError } from '@resource-discovery/core'
import type { ResourceServiceOption } from './resource-service-plugin.js'

/**
 * Checks that every option given is one the plugin knows, and returns the
 * options with the plugin's defaults filled in.
 *
 * @throws InvalidConfigurationError (core) naming the first unknown option and listing the known ones
 */
export function checkServiceOptions (
  kindName: string,
  known: readonly ResourceServiceOption[],
  given: Readonly<Record<string, string>>
): Record<string, string> {
  const names = new Set(known.map((option) => option.name))
  for (const name of Object.keys(given)) {
    if (!names.has(name)) {
      const list = known.length === 0 ? 'it takes none' : `known: ${[...names].join(', ')}`
      throw new InvalidConfigurationError(`options.${name}`, `the ${kindName} service has no option "${name}" (${list})`)
    }
  }
  const withDefaults: Record<string, string> = {}
  for (const option of known) {
    const value = given[option.name] ?? option.default
    if (value !== undefined) {
      withDefaults[option.name] = value
    }
  }
  return withDefaults
}
