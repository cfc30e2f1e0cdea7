import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { AnvilNotFoundError } from './errors.js'

/** An npm package that ships Foundry's anvil binary for one platform. */
export interface AnvilPackage {
  /** The package name. */
  readonly name: string
  /** The binary's path inside the package. */
  readonly binary: string
}

/**
 * The npm package that ships Foundry's anvil binary for each
 * `${process.platform}-${process.arch}` Foundry publishes one for. Every one
 * is an optional dependency of this package at the same version; npm installs
 * only the one whose `os` and `cpu` match the machine.
 */
export const ANVIL_PACKAGES: Readonly<Record<string, AnvilPackage>> = {
  'linux-x64': { name: '@foundry-rs/anvil-linux-amd64', binary: 'bin/anvil' },
  'linux-arm64': { name: '@foundry-rs/anvil-linux-arm64', binary: 'bin/anvil' },
  'darwin-x64': { name: '@foundry-rs/anvil-darwin-amd64', binary: 'bin/anvil' },
  'darwin-arm64': { name: '@foundry-rs/anvil-darwin-arm64', binary: 'bin/anvil' },
  'win32-x64': { name: '@foundry-rs/anvil-win32-amd64', binary: 'bin/anvil.exe' }
}

/** Options of {@link anvilBinaryPath}: the machine to resolve anvil for (default: this one). */
export interface AnvilBinaryPathOptions {
  /** A `process.platform` value (default `process.platform`). */
  platform?: string
  /** A `process.arch` value (default `process.arch`). */
  arch?: string
}

/**
 * The npm package of {@link ANVIL_PACKAGES} for `platform` and `arch`
 * (default: this machine), or `undefined` if Foundry publishes none for it.
 */
export function anvilPackageFor (platform: string = process.platform, arch: string = process.arch): AnvilPackage | undefined {
  return Object.hasOwn(ANVIL_PACKAGES, `${platform}-${arch}`) ? ANVIL_PACKAGES[`${platform}-${arch}`] : undefined
}

/**
 * Where the anvil binary for this machine (or `options.platform` and
 * `options.arch`) is installed: the binary inside its package of
 * {@link ANVIL_PACKAGES}.
 *
 * @throws {@link AnvilNotFoundError} with `reason` `'unsupported-platform'` if Foundry publishes no package for the platform, or `'not-installed'` if its package is not installed (npm ran with `--omit=optional`, or the lock file lacks it)
 */
export function anvilBinaryPath (options: AnvilBinaryPathOptions = {}): string {
  const platform = options.platform ?? process.platform
  const arch = options.arch ?? process.arch
  const anvilPackage = anvilPackageFor(platform, arch)
  if (anvilPackage === undefined) {
    throw new AnvilNotFoundError({ reason: 'unsupported-platform', platform, arch })
  }
  let manifest: string
  try {
    manifest = createRequire(import.meta.url).resolve(`${anvilPackage.name}/package.json`)
  } catch (err) {
    throw new AnvilNotFoundError({ reason: 'not-installed', platform, arch, anvilPackage: anvilPackage.name }, { cause: err })
  }
  return join(dirname(manifest), anvilPackage.binary)
}
