/**
 * Something a {@link Verifier} learnt that may change its verdicts: the
 * registry it reads changed (a resource removed or added, a provider
 * suspended or reinstated), or whom it trusts changed.
 */
export interface VerifierChange {
  /**
   * What changed, in words a person can read, e.g.
   * `registry changed at block 42: 1a2b3c4d removed from the registry by its provider 0xAbC...`.
   */
  readonly reason: string
  /** The chain block the change was seen in, when the verifier reads a chain. */
  readonly block?: number
}

/** Called with each {@link VerifierChange}; must not throw. */
export type VerifierChangeListener = (change: VerifierChange) => void
