import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { ConfigFileError } from '../errors.js'
import { OPTIONS } from './options.js'

/** A config file, read and checked for unknown keys. */
export interface ConfigFile {
  /** The file's path as given. */
  readonly path: string
  /** Its absolute directory: relative paths in the file are taken from here. */
  readonly dir: string
  /** Its values by config key. */
  readonly values: Readonly<Record<string, unknown>>
}

/** Every key a config file may hold (keys starting with `$`, such as `$comment`, are ignored). */
export const CONFIG_KEYS: readonly string[] = [...new Set(OPTIONS.flatMap((option) => 'configKey' in option ? [option.configKey] : []))].sort()

/**
 * Reads a JSON config file: one object whose keys are config keys of the
 * option table. Values are checked against each option's type when the
 * options are resolved.
 *
 * @param cwd - the directory a relative `path` is taken from
 * @throws {@link ConfigFileError} if the file cannot be read, is not a JSON object, or holds an unknown key
 */
export async function loadConfigFile (path: string, cwd: string = process.cwd()): Promise<ConfigFile> {
  const absolute = resolve(cwd, path)
  let text: string
  try {
    text = await readFile(absolute, 'utf8')
  } catch (err) {
    const code = (err as { code?: unknown }).code
    throw new ConfigFileError(path, code === 'ENOENT' ? 'no such file' : `cannot be read (${String(code ?? err)})`, { cause: err })
  }
  let values: unknown
  try {
    values = JSON.parse(text)
  } catch (err) {
    throw new ConfigFileError(path, `is not valid JSON (${err instanceof Error ? err.message : String(err)})`, { cause: err })
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new ConfigFileError(path, 'expected a JSON object of settings')
  }
  for (const key of Object.keys(values)) {
    if (!key.startsWith('$') && !CONFIG_KEYS.includes(key)) {
      throw new ConfigFileError(path, `unknown key "${key}" (known keys: ${CONFIG_KEYS.join(', ')})`)
    }
  }
  return { path, dir: dirname(absolute), values: values as Record<string, unknown> }
}
