import { HDNodeWallet } from 'ethers'
import type { DevAccount } from './dev-chain.js'
import { InvalidDevChainOptionsError } from './errors.js'

/** anvil's (and Hardhat's) default mnemonic; its accounts are public knowledge, never fund them on a real chain. */
export const DEV_CHAIN_MNEMONIC = 'test test test test test test test test test test test junk'

/** The BIP-44 path under which anvil derives its accounts: account i is `${DEV_ACCOUNT_PATH}/i`. */
export const DEV_ACCOUNT_PATH = "m/44'/60'/0'/0"

/**
 * The first `count` accounts of `mnemonic` on anvil's derivation path, the
 * same accounts anvil funds when started with that mnemonic.
 *
 * @throws {@link InvalidDevChainOptionsError} if the mnemonic is not a valid BIP-39 phrase or `count` is not a positive integer
 */
export function deriveDevAccounts (mnemonic: string, count: number): DevAccount[] {
  if (!Number.isSafeInteger(count) || count <= 0) {
    throw new InvalidDevChainOptionsError('accountCount', `expected a positive integer, got ${count}`)
  }
  let root: HDNodeWallet
  try {
    root = HDNodeWallet.fromPhrase(mnemonic, undefined, DEV_ACCOUNT_PATH)
  } catch (err) {
    throw new InvalidDevChainOptionsError('mnemonic', 'not a valid BIP-39 English phrase', { cause: err })
  }
  return Array.from({ length: count }, (_, index) => {
    const wallet = root.deriveChild(index)
    return { address: wallet.address, privateKey: wallet.privateKey }
  })
}
