/**
 * Per-account transaction queues: a local network sends one transaction at a
 * time per account (and per node key), so two concurrent calls never sign
 * the same nonce.
 */

import { nodeIdFromPublicKey, nodePublicKeyFromPrivateKey } from '@resource-discovery/registry-admin'

/**
 * Runs each account's tasks one after the other, in the order they were
 * given; tasks of different accounts run concurrently. A task that fails
 * does not hold up the next one of its account.
 *
 * A task should span everything that uses the account's nonce, from reading
 * it to the receipt (the registry client waits for each receipt), so that
 * the next task reads the nonce after it.
 */
export class AccountQueues {
  readonly #tails = new Map<string, Promise<void>>()

  /**
   * Runs `task` once every task given before for `account` has settled.
   *
   * @param account - the queue's name: an address, or {@link nodeQueue} of a node key
   * @returns what `task` returns or throws
   */
  async run<T> (account: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(account) ?? Promise.resolve()
    const result = previous.then(task)
    this.#tails.set(account, result.then(() => undefined, () => undefined))
    return result
  }
}

/**
 * The queue of the node of `privateKey`: its signed consents and withdrawals
 * use the node's own nonce in the registry, one at a time.
 */
export function nodeQueue (privateKey: Uint8Array): string {
  return `node:${nodeIdFromPublicKey(nodePublicKeyFromPrivateKey(privateKey))}`
}
