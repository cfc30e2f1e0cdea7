import { id } from 'ethers'

/**
 * The contract's `bytes32` id of a resource kind: keccak256 of the kind's
 * name in UTF-8, as a 0x-prefixed lowercase hex string.
 *
 * @example
 * ```ts
 * kindIdFromName('mailserver') // '0x…' (32 bytes)
 * ```
 */
export function kindIdFromName (name: string): string {
  return id(name)
}
