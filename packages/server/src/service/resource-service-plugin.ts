import type { Logger, ResourceKind, Startable } from '@resource-discovery/core'
import type { ResourceServer } from '../server/resource-server.js'

/**
 * What a {@link ResourceServicePlugin} gets to build its service: the node's
 * resource server (not started yet), its key, a directory of its own, a
 * logger, and the operator's options for this kind.
 */
export interface ResourceServiceContext {
  /** The node's server, built on the node key with the plugin's kind; the caller starts and stops it. */
  readonly server: ResourceServer
  /** The node's secp256k1 private key (32 bytes), the key of `server`. */
  readonly privateKey: Uint8Array
  /** A directory the service may keep its data in (created by the caller); it survives restarts. */
  readonly dataDir: string
  /** Where the service logs. */
  readonly logger: Logger
  /**
   * The operator's options for this kind, by name, as given on the command
   * line or in the config file (`--option gateway=log`). The plugin documents
   * the names in {@link ResourceServicePlugin.options} and rejects unknown ones.
   */
  readonly options: Readonly<Record<string, string>>
}

/** One option a {@link ResourceServicePlugin} accepts, for `--help` and validation. */
export interface ResourceServiceOption {
  /** The option's name, e.g. `gateway`. */
  readonly name: string
  /** What it does and what values it takes. */
  readonly description: string
  /** The value used when the operator gives none, if any. */
  readonly default?: string
}

/**
 * The server side of a plugin: how to run a server of the plugin's kind on a
 * {@link ResourceServer}. A CLI (`rdisc serve <kind>`) or a local network
 * builds the server, asks the plugin for its service, then starts the
 * service and the server; stopping runs the other way round.
 *
 * @example
 * ```ts
 * const server = new ResourceServer({ privateKey, kinds: [plugin.kind], bootnodes })
 * const service = await plugin.createService({ server, privateKey, dataDir, logger, options: {} })
 * await service.start()
 * await server.start()
 * ```
 */
export interface ResourceServicePlugin<S extends Startable = Startable> {
  /** The kind the service serves: its name, topic and protocols. */
  readonly kind: ResourceKind
  /** One line saying what a server of this kind does, for `--help`. */
  readonly description: string
  /** The options `createService` understands. */
  readonly options: readonly ResourceServiceOption[]
  /**
   * Builds the service (not started).
   *
   * @throws InvalidConfigurationError (core) naming the option, for an unknown or malformed option
   */
  createService: (context: ResourceServiceContext) => Promise<S>
}
