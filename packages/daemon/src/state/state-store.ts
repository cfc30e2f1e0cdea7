import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { InvalidConfigurationError } from '@resource-discovery/core'
import { atomicTemporaryPrefix, writeFileAtomic } from '@resource-discovery/core/node'
import { InvalidStateFileError, StateFileWriteError } from '../errors.js'
import { EMPTY_STATE, parseState, serializeState, STATE_FILE_NAME, type DaemonState } from './daemon-state.js'

/** What a change to the state does: the state to write (if any), what to return, and how to undo what it applied in memory if the write fails. */
export interface StateChange<T> {
  /** The state to write; nothing is written when absent. */
  readonly next?: DaemonState
  /** What {@link StateStore.update} resolves to. */
  readonly result: T
  /** Undoes what the change applied in memory, if the write fails. */
  readonly rollback?: () => void
}

/**
 * The daemon's state file, `state.json` in the data directory.
 *
 * Changes run one at a time, each on the state the previous one committed,
 * and each write is atomic: a temporary file in the same directory is
 * written and fsynced, renamed over the state file, and the directory is
 * fsynced, so a crash leaves either the old or the new file, never half of one.
 */
export class StateStore {
  /** The path of the state file. */
  readonly path: string
  readonly #dir: string
  #state: DaemonState = EMPTY_STATE
  #queue: Promise<unknown> = Promise.resolve()

  constructor (dataDir: string) {
    this.#dir = dataDir
    this.path = join(dataDir, STATE_FILE_NAME)
  }

  /** The state last loaded or committed. */
  get state (): DaemonState {
    return this.#state
  }

  /**
   * Creates the data directory if missing and reads the state file (an empty
   * state if there is none yet). Leftover temporary files of an interrupted
   * write are removed.
   *
   * @throws {@link InvalidConfigurationError} if the data directory cannot be created
   * @throws {@link InvalidStateFileError} if the file cannot be read or is corrupt
   */
  async load (): Promise<DaemonState> {
    try {
      await mkdir(this.#dir, { recursive: true })
    } catch (err) {
      throw new InvalidConfigurationError('dataDir', `the directory ${this.#dir} cannot be created: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
    }
    await this.#removeLeftovers()
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.#state = EMPTY_STATE
        return this.#state
      }
      throw new InvalidStateFileError(this.path, `it cannot be read (${err instanceof Error ? err.message : String(err)})`, { cause: err })
    }
    this.#state = parseState(this.path, text)
    return this.#state
  }

  /**
   * Runs `change` on the committed state once every earlier change is done,
   * writes the state it returns, and resolves to its result. If `change`
   * throws, nothing is written; if the write fails, its `rollback` runs
   * (before any later change) and the update rejects.
   *
   * @throws {@link StateFileWriteError} if the write fails
   */
  async update<T> (change: (state: DaemonState) => StateChange<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      const { next, result, rollback } = change(this.#state)
      if (next !== undefined) {
        try {
          await this.#write(serializeState(next))
        } catch (err) {
          rollback?.()
          throw new StateFileWriteError(this.path, { cause: err })
        }
        this.#state = next
      }
      return result
    })
    this.#queue = run.catch(() => {})
    return run
  }

  /** Resolves once every change asked for so far is written (or failed). */
  async flush (): Promise<void> {
    await this.#queue
  }

  async #write (text: string): Promise<void> {
    await writeFileAtomic(this.path, text)
  }

  async #removeLeftovers (): Promise<void> {
    const prefix = atomicTemporaryPrefix(this.path)
    const names = await readdir(this.#dir).catch(() => [])
    await Promise.all(names
      .filter((name) => name.startsWith(prefix) && name.endsWith('.tmp'))
      .map(async (name) => { await rm(join(this.#dir, name), { force: true }) }))
  }
}
