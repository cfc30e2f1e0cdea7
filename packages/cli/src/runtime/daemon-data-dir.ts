import { readdir, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { AmbiguousDaemonStateError } from '../errors.js'

/** The daemon's state directory without a registry: `<data-dir>/daemon/no-registry`. */
export const NO_REGISTRY_DIR_NAME = 'no-registry'

/** The prefix of a registry's state directory while its chain id is unknown: `unknown-chain-<address>`. */
export const UNKNOWN_CHAIN_DIR_PREFIX = 'unknown-chain-'

/** The network a daemon's state belongs to. */
export interface DaemonNetwork {
  /** The registry's address (any case), if a registry is configured. */
  readonly registryAddress?: string
  /** The chain id the RPC endpoint reported; absent when no endpoint answered at start. */
  readonly chainId?: bigint
}

/** Where the daemon keeps its state, and what to warn the user about. */
export interface DaemonDataDir {
  /** The network's own directory under `<data-dir>/daemon`. */
  readonly dir: string
  /** One line each: state of the old unscoped layout, a directory reused or moved because of the chain id. */
  readonly warnings: readonly string[]
}

/** At most this many old-layout entries are named in the warning, then "and N more". */
const OLD_ENTRIES_NAMED = 5

/** The name of a network's directory when its chain id is known: `<chainId>-<address lowercased>`. */
export function networkDirName (chainId: bigint, registryAddress: string): string {
  return `${chainId}-${registryAddress.toLowerCase()}`
}

/** Whether a directory name is one of the scoped layout's (a network's), not a file of the old unscoped one. */
function isNetworkDirName (name: string): boolean {
  return name === NO_REGISTRY_DIR_NAME || /^(?:\d+|unknown-chain)-0x[0-9a-f]{40}$/.test(name)
}

/**
 * The daemon's state directory under `root` (`<data-dir>/daemon`), one per
 * network, so that two networks never share trust settings, custom servers,
 * the registry index snapshot or the resource cache:
 *
 * - a registry on a known chain: `<chainId>-<registry address lowercased>`;
 * - no registry: {@link NO_REGISTRY_DIR_NAME};
 * - a registry while no RPC endpoint answered at start (chain id unknown):
 *   the one directory of that registry address if there is exactly one
 *   (a restart while the endpoint is down keeps the user's settings), else
 *   `unknown-chain-<address>`, which the first start that learns the chain
 *   id moves to `<chainId>-<address>` if that does not exist yet.
 *
 * Files of the old unscoped layout (directly in `root`) are never read nor
 * moved: they record no chain id, so which network they belong to is a
 * guess, and applying another network's trust settings is what the scoping
 * prevents. A warning names them and the new directory instead.
 *
 * @throws {@link AmbiguousDaemonStateError} if the chain id is unknown and several directories hold state for the registry address
 */
export async function daemonDataDir (root: string, network: DaemonNetwork): Promise<DaemonDataDir> {
  // missing (a first start) or unreadable: nothing to reuse; the daemon's own mkdir reports a directory it cannot create
  const entries = await readdir(root, { withFileTypes: true }).catch(() => [])
  const warnings: string[] = []
  const dir = join(root, await networkDir())
  const old = entries.map((entry) => entry.name).filter((name) => !isNetworkDirName(name)).sort()
  if (old.length > 0) {
    const named = old.slice(0, OLD_ENTRIES_NAMED).join(', ') + (old.length > OLD_ENTRIES_NAMED ? ` and ${old.length - OLD_ENTRIES_NAMED} more` : '')
    warnings.push(`${root} holds state of the old layout (${named}), which this daemon does not read: its state is now in ${dir}, one directory per network. ` +
      `If those files belong to this network, stop the daemon and move them there (state.json holds the trust settings and custom servers); else delete them`)
  }
  return { dir, warnings }

  async function networkDir (): Promise<string> {
    const { registryAddress, chainId } = network
    if (registryAddress === undefined) {
      return NO_REGISTRY_DIR_NAME
    }
    const address = registryAddress.toLowerCase()
    const unknownChain = `${UNKNOWN_CHAIN_DIR_PREFIX}${address}`
    const directories = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name)
    if (chainId !== undefined) {
      const name = networkDirName(chainId, address)
      if (!directories.includes(name) && directories.includes(unknownChain)) {
        await rename(join(root, unknownChain), join(root, name))
        warnings.push(`the state kept while the chain id was unknown (${join(root, unknownChain)}) is now ${join(root, name)}, chain ${chainId}'s`)
      }
      return name
    }
    const candidates = directories.filter((name) => name === unknownChain || new RegExp(`^\\d+-${address}$`).test(name)).sort()
    if (candidates.length > 1) {
      throw new AmbiguousDaemonStateError(address, candidates.map((name) => join(root, name)))
    }
    const [only] = candidates
    if (only === undefined) {
      warnings.push(`the chain id is unknown while the RPC endpoint is down: state is kept in ${join(root, unknownChain)} until a start that reaches the endpoint moves it to <chain id>-${address}`)
      return unknownChain
    }
    warnings.push(`the chain id is unknown while the RPC endpoint is down: using ${join(root, only)}, the only state for registry ${address}`)
    return only
  }
}
