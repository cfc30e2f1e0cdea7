/**
 * Ownership of what a local network started: the one object that holds every
 * running part (temporary directory, chain, ethers provider, bootnode,
 * servers) and the only one that stops them, in a fixed order. The start-up
 * fills it as parts come up; a failed or aborted start releases it; a
 * started network is handed it and releases it on `stop()`.
 */

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A part the owner stops: a chain, a bootnode, a server, a plugin's service. */
export interface Stoppable {
  stop: () => Promise<void>
}

/** A provider the owner destroys (an ethers `JsonRpcProvider`). */
export interface Destroyable {
  destroy: () => void
}

/** One server as the owner holds it: its resource server, and the plugin's service once built. */
export interface OwnedServer {
  readonly label: string
  readonly server: Stoppable
  /** Set once the plugin has built it. */
  service?: Stoppable
}

/**
 * Holds every part of a local network that has to be released, from the
 * moment it exists (before it has started, so that a part that fails to
 * start is still stopped), and releases them: the servers (all at once,
 * each its resource server and then its service), the bootnode, the ethers
 * provider, the chain, and last the temporary directory (the newest first).
 * A stop that throws does not keep the others from stopping: the failures
 * are returned.
 */
export class LocalNetworkResources {
  #dataDir: string | undefined
  #chain: Stoppable | undefined
  #ethers: Destroyable | undefined
  #bootnode: Stoppable | undefined
  readonly #servers: OwnedServer[] = []

  /**
   * Makes the network's temporary directory (`rd-devnet-*`), which
   * {@link LocalNetworkResources.release} removes.
   *
   * @param parent - where to make it; default: the OS temp directory
   */
  async makeDataDir (parent: string = tmpdir()): Promise<string> {
    this.#dataDir = await mkdtemp(join(parent, 'rd-devnet-'))
    return this.#dataDir
  }

  /** Holds the dev chain. */
  holdChain (chain: Stoppable): void {
    this.#chain = chain
  }

  /** Holds the network's ethers provider. */
  holdEthers (ethers: Destroyable): void {
    this.#ethers = ethers
  }

  /** Holds the bootnode (before it starts). */
  holdBootnode (bootnode: Stoppable): void {
    this.#bootnode = bootnode
  }

  /**
   * Holds one server (before it starts); the caller sets the returned
   * record's `service` once the plugin has built it.
   */
  holdServer (label: string, server: Stoppable): OwnedServer {
    const owned: OwnedServer = { label, server }
    this.#servers.push(owned)
    return owned
  }

  /** Whether a server labelled `label` is held (running, or being started). */
  holdsServer (label: string): boolean {
    return this.#servers.some((owned) => owned.label === label)
  }

  /**
   * Stops the server labelled `label` (its resource server, then its
   * service) and lets go of it; its data directory stays. Nothing happens
   * for a label not held.
   *
   * @returns what failed to stop
   */
  async stopServer (label: string): Promise<unknown[]> {
    const index = this.#servers.findIndex((owned) => owned.label === label)
    if (index === -1) {
      return []
    }
    const [owned] = this.#servers.splice(index, 1)
    const failures: unknown[] = []
    if (owned !== undefined) {
      await stopOwnedServer(owned, failures)
    }
    return failures
  }

  /**
   * Stops everything held, in order (servers, bootnode, ethers provider,
   * chain), removes the temporary directory and lets go of it all; a second
   * call finds nothing to release.
   *
   * @returns what failed to stop, in the order it failed
   */
  async release (): Promise<unknown[]> {
    const failures: unknown[] = []
    const servers = this.#servers.splice(0)
    await Promise.all(servers.map(async (owned) => { await stopOwnedServer(owned, failures) }))
    const { bootnode, ethers, chain, dataDir } = this.#takeAll()
    await attempt(failures, async () => { await bootnode?.stop() })
    await attempt(failures, () => { ethers?.destroy() })
    await attempt(failures, async () => { await chain?.stop() })
    if (dataDir !== undefined) {
      await attempt(failures, async () => { await rm(dataDir, { recursive: true, force: true }) })
    }
    return failures
  }

  #takeAll (): { bootnode: Stoppable | undefined, ethers: Destroyable | undefined, chain: Stoppable | undefined, dataDir: string | undefined } {
    const taken = { bootnode: this.#bootnode, ethers: this.#ethers, chain: this.#chain, dataDir: this.#dataDir }
    this.#bootnode = undefined
    this.#ethers = undefined
    this.#chain = undefined
    this.#dataDir = undefined
    return taken
  }
}

/**
 * Throws what a stop returned as failed: the one error itself, or all of
 * them in an `AggregateError` with `message`.
 */
export function throwIfStopFailed (failures: readonly unknown[], message: string): void {
  if (failures.length > 0) {
    throw failures.length === 1 ? failures[0] : new AggregateError(failures, message)
  }
}

/** Stops a server, then its service (the reverse of their start), adding what fails to `failures`. */
async function stopOwnedServer (owned: OwnedServer, failures: unknown[]): Promise<void> {
  await attempt(failures, async () => { await owned.server.stop() })
  await attempt(failures, async () => { await owned.service?.stop() })
}

/** Runs `task`, adding what it throws to `failures` instead of throwing it. */
async function attempt (failures: unknown[], task: () => Promise<void> | void): Promise<void> {
  try {
    await task()
  } catch (err) {
    failures.push(err)
  }
}
