import { mkdir, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { InvalidConfigurationError } from '../errors.js'
import { type Logger, silentLogger } from '../logging/logger.js'
import { throwIfAborted, type AbortOptions } from '../util/abort.js'
import { setAsideCorruptFile } from './set-aside-corrupt-file.js'
import { writeFileAtomic } from './write-file-atomic.js'
import { decodeRegistrySnapshot, encodeRegistrySnapshot, type RegistrySnapshot, type RegistrySnapshotStore } from '../registry-verification/registry-snapshot.js'

/** Options of {@link FileRegistrySnapshotStore}. */
export interface FileRegistrySnapshotStoreInit {
  /** The snapshot file's path; its directory is created on first save. */
  path?: string
  /** The clock (ms), for the name of a set-aside corrupt file. Default `Date.now`. */
  now?: () => number
}

/**
 * A {@link RegistrySnapshotStore} in one JSON file (Node.js).
 *
 * Writes are atomic ({@link writeFileAtomic}): a crash leaves the old
 * snapshot or the new one. A file that does not parse, or whose content is
 * malformed, is renamed aside (`<path>.corrupt-<time>`), logged, and never
 * trusted: the client then loads the registry from the chain again.
 *
 * @example
 * ```ts
 * const verifier = new RegistryVerifier({ rpcUrl, registryAddress, defaultProvider,
 *   snapshotStore: new FileRegistrySnapshotStore({ path: '/var/lib/my-app/registry-index.json' }) })
 * ```
 */
export class FileRegistrySnapshotStore implements RegistrySnapshotStore {
  /** The snapshot file's path. */
  readonly path: string
  readonly #now: () => number
  readonly #logger: Logger

  /** @throws {@link InvalidConfigurationError} if `path` is missing */
  constructor (init: FileRegistrySnapshotStoreInit, logger: Logger = silentLogger) {
    if (typeof init.path !== 'string' || init.path === '') {
      throw new InvalidConfigurationError('snapshotStore.path', 'expected the path of the file to keep the registry index snapshot in')
    }
    this.path = init.path
    this.#now = init.now ?? Date.now
    this.#logger = logger.child({ component: 'registry-snapshot', path: this.path })
  }

  async load (options: AbortOptions = {}): Promise<RegistrySnapshot | undefined> {
    throwIfAborted(options.signal)
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.#logger.warn({ err }, 'could not read the registry index snapshot; loading the registry from the chain')
      }
      return undefined
    }
    try {
      return decodeRegistrySnapshot(text)
    } catch (err) {
      await this.#setAside(err)
      return undefined
    }
  }

  async save (snapshot: RegistrySnapshot, options: AbortOptions = {}): Promise<void> {
    throwIfAborted(options.signal)
    await mkdir(dirname(this.path), { recursive: true })
    await writeFileAtomic(this.path, encodeRegistrySnapshot(snapshot))
  }

  async #setAside (problem: unknown): Promise<void> {
    await setAsideCorruptFile(this.path, problem, { now: this.#now, logger: this.#logger, what: 'the registry index snapshot', instead: 'loading the registry from the chain' })
  }
}
