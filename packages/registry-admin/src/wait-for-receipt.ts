import { delay, raceAbort } from '@resource-discovery/core'
import type { TransactionReceipt, TransactionResponse } from 'ethers'
import { TransactionNotMinedError, TransactionRevertedError } from './errors.js'

/** How long a transaction may take to be mined before it counts as lost, by default. */
export const DEFAULT_RECEIPT_TIMEOUT_MS = 120_000
/** Longest pause between two receipt polls. */
const MAX_RECEIPT_POLL_MS = 1_000

/**
 * The receipt of `response` once it is mined. Polls at once, then backing off from 25 ms
 * to {@link MAX_RECEIPT_POLL_MS}. (ethers' own `wait()` relies on a block
 * subscription that can miss an automined block under load, and then waits
 * forever.)
 *
 * @throws {@link TransactionRevertedError} if it was mined and reverted
 * @throws {@link TransactionNotMinedError} if no receipt came within `timeoutMs`
 * @throws AbortError if `signal` aborts
 */
export async function waitForReceipt (response: TransactionResponse, method: string, timeoutMs: number, signal?: AbortSignal): Promise<TransactionReceipt> {
  const deadline = Date.now() + timeoutMs
  let pauseMs = 0
  for (;;) {
    const receipt = await raceAbort(response.provider.getTransactionReceipt(response.hash), signal)
    if (receipt !== null) {
      if (receipt.status === 0) {
        throw new TransactionRevertedError(method, response.hash, receipt.blockNumber)
      }
      return receipt
    }
    if (Date.now() + pauseMs > deadline) {
      throw new TransactionNotMinedError(method, response.hash, timeoutMs)
    }
    await delay(pauseMs, signal === undefined ? {} : { signal })
    pauseMs = Math.min(MAX_RECEIPT_POLL_MS, Math.max(25, pauseMs * 2))
  }
}
