import { ResourceDiscoveryError, type ResourceDiscoveryErrorOptions } from '@resource-discovery/core'

/**
 * Errors thrown by `@resource-discovery/daemon`.
 *
 * Like core's, one class per condition, each with a stable `name` (branch on
 * `err.name` or `instanceof`), a message that says what to do, and `cause`
 * chaining. The HTTP API answers each with `{ error: <name>, message, statusCode }`.
 */

/**
 * The daemon's state file exists but cannot be used: it is not JSON, has a
 * shape or version this daemon does not know, or holds an entry that no
 * longer parses. The daemon refuses to start rather than drop the user's
 * settings.
 */
export class InvalidStateFileError extends ResourceDiscoveryError {
  static override readonly name = 'InvalidStateFileError'
  static override readonly retryable = false
  override readonly name = 'InvalidStateFileError'
  /** The path of the state file. */
  readonly path: string

  constructor (path: string, problem: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `The daemon's state file ${path} is unusable: ${problem}`,
      'Fix the file, or move it away to start with no custom servers and the configured trust settings',
      { ...options, details: { path, ...options.details } }
    )
    this.path = path
  }
}

/** The daemon's state could not be written to its data directory. */
export class StateFileWriteError extends ResourceDiscoveryError {
  static override readonly name = 'StateFileWriteError'
  static override readonly retryable = false
  override readonly name = 'StateFileWriteError'
  /** The path of the state file. */
  readonly path: string

  constructor (path: string, options: ResourceDiscoveryErrorOptions = {}) {
    const cause = options.cause instanceof Error ? `: ${options.cause.message}` : ''
    super(
      `Could not save the daemon's state to ${path}${cause}`,
      'The change was not applied; check that the data directory is writable and the disk is not full',
      { ...options, details: { path, ...options.details } }
    )
    this.path = path
  }
}

/** Trust settings were changed on a daemon that has no registry configured. */
export class RegistryNotConfiguredError extends ResourceDiscoveryError {
  static override readonly name = 'RegistryNotConfiguredError'
  static override readonly retryable = false
  override readonly name = 'RegistryNotConfiguredError'

  constructor (options: ResourceDiscoveryErrorOptions = {}) {
    super(
      'This daemon has no registry configured, so there are no registry providers to trust',
      'Start it with a registry (rpcUrl and registryAddress) to choose providers; custom servers work without one',
      options
    )
  }
}

/** A kind is known to the plugins but the daemon does not watch it. */
export class KindNotWatchedError extends ResourceDiscoveryError {
  static override readonly name = 'KindNotWatchedError'
  static override readonly retryable = false
  override readonly name = 'KindNotWatchedError'

  constructor (kind: string, watched: readonly string[], options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `The daemon does not watch "${kind}" (watched kinds: ${watched.join(', ') || 'none'})`,
      `Start the daemon with kinds that include "${kind}"`,
      { ...options, details: { kind, watched, ...options.details } }
    )
  }
}

/** No custom server matches the node id (and kind) given. */
export class CustomServerNotFoundError extends ResourceDiscoveryError {
  static override readonly name = 'CustomServerNotFoundError'
  static override readonly retryable = false
  override readonly name = 'CustomServerNotFoundError'

  constructor (nodeId: string, kind?: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `No custom server has node id ${nodeId}${kind === undefined ? '' : ` for kind "${kind}"`}`,
      'List the custom servers with GET /v1/custom-servers',
      { ...options, details: { nodeId, kind, ...options.details } }
    )
  }
}

/** A custom server of this kind and node id exists already, with another address. */
export class CustomServerExistsError extends ResourceDiscoveryError {
  static override readonly name = 'CustomServerExistsError'
  static override readonly retryable = false
  override readonly name = 'CustomServerExistsError'

  constructor (kind: string, nodeId: string, address: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `A custom "${kind}" server with node id ${nodeId} exists already, with the address ${address}`,
      `To change its address, remove it first (DELETE /v1/custom-servers/${nodeId}?kind=${kind}), then add it again`,
      { ...options, details: { kind, nodeId, address, ...options.details } }
    )
  }
}

/** The HTTP API could not listen on the configured host and port. */
export class DaemonListenError extends ResourceDiscoveryError {
  static override readonly name = 'DaemonListenError'
  static override readonly retryable = false
  override readonly name = 'DaemonListenError'

  constructor (host: string, port: number, options: ResourceDiscoveryErrorOptions = {}) {
    const code = (options.cause as { code?: unknown } | undefined)?.code
    const problem = code === 'EADDRINUSE'
      ? 'the address is in use'
      : options.cause instanceof Error ? options.cause.message : String(options.cause)
    super(
      `The daemon could not listen on ${host}:${port}: ${problem}`,
      'Another daemon may be running there: stop it, or choose another port (0 picks a free one)',
      { ...options, details: { host, port, ...options.details } }
    )
  }
}

/** The daemon serves its web page from a directory that holds no built page (no `index.html`). */
export class WebPageNotBuiltError extends ResourceDiscoveryError {
  static override readonly name = 'WebPageNotBuiltError'
  static override readonly retryable = false
  override readonly name = 'WebPageNotBuiltError'
  /** The directory the page is served from. */
  readonly dir: string

  constructor (dir: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `The web page is not built: ${dir} has no index.html`,
      'Run `npm run build:web` in the repository (or `npm run build -w @resource-discovery/web`; Vite writes the page there), or start the daemon without the page (`web: false`, `rdisc daemon --no-web`); the API under /v1/ works either way',
      { ...options, details: { dir, ...options.details } }
    )
    this.dir = dir
  }
}

/**
 * A request named a host in its `Host` header that the daemon does not
 * answer to. The daemon answers only loopback names, IP addresses and its
 * `allowedHosts`, so that a web page on another site cannot reach it through
 * DNS rebinding.
 */
export class ForbiddenHostError extends ResourceDiscoveryError {
  static override readonly name = 'ForbiddenHostError'
  static override readonly retryable = false
  override readonly name = 'ForbiddenHostError'
  /** The `Host` header of the request. */
  readonly host: string

  constructor (host: string, options: ResourceDiscoveryErrorOptions = {}) {
    super(
      `The daemon does not answer requests for host ${JSON.stringify(host.length > 100 ? `${host.slice(0, 100)}...` : host)}: it answers only loopback names (localhost, 127.0.0.1, [::1]), IP addresses and the names it was given, so that web pages of other sites cannot reach it through DNS rebinding`,
      'Open it at http://127.0.0.1:<port>/, http://localhost:<port>/ or its IP address, or add the name to the daemon\'s allowedHosts (`rdisc daemon --allowed-host NAME`)',
      { ...options, details: { host, ...options.details } }
    )
    this.host = host
  }
}
