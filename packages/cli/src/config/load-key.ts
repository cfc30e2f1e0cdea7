import { readFile, stat } from 'node:fs/promises'
import { InvalidKeyError } from '../errors.js'
import type { OptionSource, ResolvedOptions } from './resolve-options.js'

/** Whose key a command signs with; `relayer` is any funded account that sends a transaction someone else signed for. */
export type KeyRole = 'curator' | 'provider' | 'node' | 'tree' | 'relayer'

/** A private key read from a file, an environment variable or the command line. */
export interface LoadedKey {
  /** The key, `0x` and 64 lower-case hex characters. */
  readonly privateKey: string
  /** Where it came from, for messages: e.g. `--curator-key-file ./curator.key`. */
  readonly source: string
}

/** The order of the secp256k1 group: a private key is a number from 1 to this, exclusive. */
const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n

const ROLE_FILE_OPTION: Readonly<Record<KeyRole, string>> = {
  curator: 'curatorKeyFile',
  provider: 'providerKeyFile',
  node: 'nodeKeyFile',
  tree: 'treeKeyFile',
  relayer: 'keyFile'
}

/** The options a key of `role` can come from, in order of preference within one layer. */
export function keyOptionsOf (role: KeyRole): readonly string[] {
  return [...new Set([ROLE_FILE_OPTION[role], 'keyFile', 'keyEnv', 'unsafeKey'])]
}

/**
 * Checks the text of a private key: `0x` (optional) and 64 hex characters
 * that make a valid secp256k1 scalar.
 *
 * @param source - how errors name where it came from
 * @returns the key as `0x` and lower-case hex
 * @throws {@link InvalidKeyError} naming `source` and what is wrong
 */
export function parsePrivateKeyText (text: string, source: string): string {
  const hex = text.trim().replace(/^0x/i, '')
  if (hex === '') {
    throw new InvalidKeyError(source, 'is empty')
  }
  if (!/^[0-9a-fA-F]+$/.test(hex)) {
    throw new InvalidKeyError(source, 'is not hex')
  }
  if (hex.length !== 64) {
    throw new InvalidKeyError(source, `has ${hex.length} hex characters; a secp256k1 private key has 64 (32 bytes)`)
  }
  const scalar = BigInt(`0x${hex}`)
  if (scalar === 0n || scalar >= SECP256K1_ORDER) {
    throw new InvalidKeyError(source, 'is not a valid secp256k1 private key (it must be from 1 to the curve order)')
  }
  return `0x${hex.toLowerCase()}`
}

/**
 * Reads a key file.
 *
 * @param warn - told when the file can be read by other users
 * @throws {@link InvalidKeyError} if the file is missing, unreadable or does not hold a key
 */
export async function readKeyFile (path: string, source: string, warn: (line: string) => void = () => {}): Promise<LoadedKey> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    const code = (err as { code?: unknown }).code
    const problem = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory, not a key file' : `cannot be read (${String(code ?? err)})`
    throw new InvalidKeyError(source, problem, { cause: err })
  }
  const privateKey = parsePrivateKeyText(text, source)
  const { mode } = await stat(path)
  if ((mode & 0o077) !== 0) {
    warn(`key file ${path} can be read by other users; run \`chmod 600 ${path}\``)
  }
  return { privateKey, source }
}

async function loadFrom (options: ResolvedOptions, name: string, env: Readonly<Record<string, string | undefined>>, warn: (line: string) => void): Promise<LoadedKey> {
  const value = options.requireString(name)
  const where = options.where(name)
  switch (name) {
    case 'keyEnv': {
      const text = env[value]
      if (text === undefined || text === '') {
        throw new InvalidKeyError(`${where} ${value}`, `the environment variable ${value} is not set`)
      }
      return { privateKey: parsePrivateKeyText(text, `${where} ${value}`), source: `${where} ${value}` }
    }
    case 'unsafeKey':
      warn('--unsafe-key puts the key in the shell history and the process list; use --key-file or --key-env for any key that matters')
      return { privateKey: parsePrivateKeyText(value, where), source: where }
    default:
      return readKeyFile(value, `${where} ${value}`, warn)
  }
}

/**
 * The key a command signs with as `role`: from the first of
 * `--<role>-key-file`, `--key-file`, `--key-env` and `--unsafe-key` given on
 * the command line; else the same from the environment; else from the
 * config file.
 *
 * @returns the key, or `undefined` if none is given anywhere
 * @throws {@link InvalidKeyError} if the key given cannot be read or is not a secp256k1 private key
 */
export async function loadRoleKey (
  options: ResolvedOptions,
  role: KeyRole,
  env: Readonly<Record<string, string | undefined>> = process.env,
  warn: (line: string) => void = () => {}
): Promise<LoadedKey | undefined> {
  const candidates = keyOptionsOf(role).filter((name) => options.takes(name))
  for (const layer of ['flag', 'env', 'config'] satisfies OptionSource[]) {
    const name = candidates.find((candidate) => options.source(candidate) === layer)
    if (name !== undefined) {
      return loadFrom(options, name, env, warn)
    }
  }
  return undefined
}

/**
 * Like {@link loadRoleKey}, for a command that cannot do without the key.
 *
 * @throws {@link MissingOptionError} naming the options the key can be given by
 */
export async function requireRoleKey (
  options: ResolvedOptions,
  role: KeyRole,
  env: Readonly<Record<string, string | undefined>> = process.env,
  warn: (line: string) => void = () => {}
): Promise<LoadedKey> {
  const key = await loadRoleKey(options, role, env, warn)
  if (key === undefined) {
    throw options.missing(ROLE_FILE_OPTION[role], role === 'relayer' ? ['--key-env'] : ['--key-file', '--key-env'])
  }
  return key
}

/**
 * The key in the file named by option `name` (e.g. `nodeKeyFile`), if given.
 *
 * @throws {@link InvalidKeyError} if the file cannot be read or does not hold a key
 */
export async function loadKeyFileOption (options: ResolvedOptions, name: string, warn: (line: string) => void = () => {}): Promise<LoadedKey | undefined> {
  const path = options.string(name)
  return path === undefined || path === '' ? undefined : readKeyFile(path, `${options.where(name)} ${path}`, warn)
}
