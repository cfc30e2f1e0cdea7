/**
 * `rdisc`, the command line of resource-discovery: a local dev chain, the
 * registry life cycle (deploy, providers, resources with node consent), a
 * discv5 bootnode, servers of any plugin kind, finding and verifying
 * servers, the daemon, and the one-command demo. See the package README for
 * every command and option.
 *
 * The package also exports what a plugin author needs: the
 * {@link RdiscPlugin} shape a module exports as `rdiscPlugin` to be loaded
 * with `rdisc --plugin <module>`, and {@link runCli} to run a command line
 * in-process.
 *
 * @example
 * ```ts
 * // my-plugin.ts: `rdisc serve bridge --plugin ./my-plugin.ts`
 * import type { RdiscPlugin } from '@resource-discovery/cli'
 * import { bridge, bridgeServicePlugin } from './bridge.js'
 *
 * export const rdiscPlugin: RdiscPlugin = { module: bridge, service: bridgeServicePlugin }
 * ```
 *
 * @packageDocumentation
 */

export type { RdiscPlugin } from './plugins/rdisc-plugin.js'
export { runCli, cliVersion, type CliEnvironment } from './run-cli.js'
export {
  ConfigFileError,
  EXIT_FAILURE,
  EXIT_INTERRUPTED,
  EXIT_SUCCESS,
  EXIT_USAGE,
  InvalidKeyError,
  InvalidOptionValueError,
  MissingOptionError,
  PluginLoadError,
  UnknownCommandError,
  UnknownKindError,
  UsageError,
  type UsageErrorOptions
} from './errors.js'
