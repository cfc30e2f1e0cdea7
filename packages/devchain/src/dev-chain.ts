import type { AbortOptions } from '@resource-discovery/core'

/** A funded account of a dev chain, with its private key. */
export interface DevAccount {
  /** EIP-55 checksummed address. */
  address: string
  /** 0x-prefixed 32-byte hex private key. */
  privateKey: string
}

/**
 * A dev chain to run tests, benchmarks and demos against: one that
 * {@link startDevChain} spawned, or a user's own node reached with
 * {@link connectDevChain}.
 */
export interface DevChain {
  /** HTTP JSON-RPC endpoint, e.g. `http://127.0.0.1:40123`. */
  readonly rpcUrl: string
  /** The chain id the node reports. */
  readonly chainId: number
  /** Funded accounts, in derivation order; the first one is a natural deployer. */
  readonly accounts: readonly DevAccount[]
  /** Whether {@link DevChain.stop} ends a process this object started (`false` for a connected node). */
  readonly managed: boolean

  /**
   * Sends one JSON-RPC request and returns its `result`.
   *
   * @throws {@link RpcUnavailableError} if the node cannot be reached
   * @throws {@link JsonRpcError} if the node answers with an error
   */
  request: (method: string, params?: readonly unknown[], options?: AbortOptions) => Promise<unknown>

  /**
   * Mines `blocks` empty blocks at once (default 1), with `anvil_mine`, or one
   * `evm_mine` per block on nodes that lack it.
   *
   * @throws {@link JsonRpcError} if the node supports neither method
   */
  mine: (blocks?: number, options?: AbortOptions) => Promise<void>

  /**
   * Ends the node if this object started it and waits until the process is
   * gone; does nothing for a connected node. Idempotent: later calls return
   * the first call's promise.
   */
  stop: () => Promise<void>
}
