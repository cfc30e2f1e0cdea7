import type { DevChain } from '@resource-discovery/devchain'

/**
 * A contract of 17 bytes for the RPC tests: every call emits one log whose
 * only topic is the call's first 32 bytes of calldata, and returns the
 * block number (so an `eth_call` tells which block's state it ran on).
 *
 *     PUSH1 0 CALLDATALOAD PUSH1 0 PUSH1 0 LOG1
 *     NUMBER PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
 */
const RUNTIME = '60003560006000a14360005260206000f3'
/** Copies the runtime code to memory and returns it. */
const INIT = `0x6011600c60003960116000f3${RUNTIME}`

interface Receipt {
  contractAddress: string | null
  blockNumber: string
}

/** Deploys the log emitter from the chain's first account; its address, lowercase. */
export async function deployLogEmitter (chain: DevChain): Promise<string> {
  const receipt = await send(chain, { data: INIT })
  if (receipt.contractAddress === null) {
    throw new Error('the log emitter was not deployed')
  }
  return receipt.contractAddress.toLowerCase()
}

/** Emits one log with `topic` in a block of its own; that block's number. */
export async function emitLog (chain: DevChain, emitter: string, topic: string): Promise<number> {
  const receipt = await send(chain, { to: emitter, data: topic })
  return Number(receipt.blockNumber)
}

async function send (chain: DevChain, transaction: { to?: string, data: string }): Promise<Receipt> {
  const from = chain.accounts[0]?.address
  const hash = await chain.request('eth_sendTransaction', [{ from, gas: '0x30000', ...transaction }]) as string
  // anvil mines the transaction at once, but may answer before its receipt is stored
  for (let attempt = 0; attempt < 100; attempt++) {
    const receipt = await chain.request('eth_getTransactionReceipt', [hash]) as Receipt | null
    if (receipt !== null) {
      return receipt
    }
    await new Promise((resolve) => { setTimeout(resolve, 10) })
  }
  throw new Error(`no receipt for ${hash}`)
}
