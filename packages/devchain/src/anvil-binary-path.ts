import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

/** The npm package that ships the anvil binary for Linux x64 (an optional dependency of this package). */
export const ANVIL_PACKAGE = '@foundry-rs/anvil-linux-amd64'

/**
 * Where the anvil binary of {@link ANVIL_PACKAGE} is installed, or
 * `undefined` if that package is absent (e.g. on another platform, where npm
 * skips it).
 */
export function anvilBinaryPath (): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve(`${ANVIL_PACKAGE}/package.json`)
    return join(dirname(manifest), 'bin', 'anvil')
  } catch {
    return undefined
  }
}
