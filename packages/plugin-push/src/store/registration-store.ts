import { InvalidConfigurationError, throwIfAborted, type AbortOptions } from '@resource-discovery/core'
import { ClassicLevel } from 'classic-level'
import { RegistrationStoreOpenError } from '../errors.js'

/** A device registration as the push server keeps it. */
export interface Registration {
  /** 32 lower-case hex digits, random. */
  id: string
  /** The device token the client registered. */
  deviceToken: string
  /** Followed topics, each `0x` and 8 lower-case hex digits. */
  topics: string[]
  /** When it was made or last replaced, in ms since the Unix epoch. */
  updatedAt: number
}

const SCHEMA_KEY = 'schema'
const SCHEMA_VERSION = '1'
const REGISTRATION_PREFIX = 'reg:'

/**
 * The push server's registrations on LevelDB (`classic-level`): one JSON
 * value per registration under `reg:<id>`, and `schema` = `1`. Writes are
 * durable once their promise resolves; data survives `close()` and a later
 * `open()` of the same directory. One process at a time may open a directory.
 */
export class RegistrationStore {
  /** The database directory. */
  readonly path: string
  readonly #db: ClassicLevel

  private constructor (path: string, db: ClassicLevel) {
    this.path = path
    this.#db = db
  }

  /**
   * Opens (creating if missing) the store in directory `path`.
   *
   * @throws {@link RegistrationStoreOpenError} if locked by another process, unreadable or not a push store
   */
  static async open (path: string, options: AbortOptions = {}): Promise<RegistrationStore> {
    throwIfAborted(options.signal)
    if (typeof path !== 'string' || path === '') {
      throw new InvalidConfigurationError('dataDir', 'expected the path of a directory')
    }
    const db = new ClassicLevel(path, { keyEncoding: 'utf8', valueEncoding: 'utf8' })
    try {
      await db.open({ createIfMissing: true })
    } catch (err) {
      throw new RegistrationStoreOpenError(path, err instanceof Error ? err.message : String(err), { cause: err })
    }
    try {
      const schema = await db.get(SCHEMA_KEY)
      if (schema === undefined) {
        const anyKey = await db.keys({ limit: 1 }).all()
        if (anyKey.length > 0) throw new RegistrationStoreOpenError(path, 'the directory holds another database')
        await db.put(SCHEMA_KEY, SCHEMA_VERSION, { sync: true })
      } else if (schema !== SCHEMA_VERSION) {
        throw new RegistrationStoreOpenError(path, `schema ${schema} is not supported (expected ${SCHEMA_VERSION})`)
      }
    } catch (err) {
      await db.close().catch(() => {})
      if (err instanceof RegistrationStoreOpenError) throw err
      throw new RegistrationStoreOpenError(path, err instanceof Error ? err.message : String(err), { cause: err })
    }
    return new RegistrationStore(path, db)
  }

  /** Every registration, in id order. */
  async all (): Promise<Registration[]> {
    const registrations: Registration[] = []
    for await (const value of this.#db.values({ gte: REGISTRATION_PREFIX, lt: `${REGISTRATION_PREFIX}\xff` })) {
      registrations.push(JSON.parse(value) as Registration)
    }
    return registrations
  }

  /** Stores (or replaces) a registration, synced to disk. */
  async put (registration: Registration): Promise<void> {
    await this.#db.put(REGISTRATION_PREFIX + registration.id, JSON.stringify(registration), { sync: true })
  }

  /** Removes a registration, synced to disk. */
  async delete (id: string): Promise<void> {
    await this.#db.del(REGISTRATION_PREFIX + id, { sync: true })
  }

  /** Closes the database; idempotent. */
  async close (): Promise<void> {
    if (this.#db.status === 'open' || this.#db.status === 'opening') {
      await this.#db.close()
    }
  }
}
