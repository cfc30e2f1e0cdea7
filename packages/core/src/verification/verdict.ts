import type { Resource } from '../resource/resource.js'
import type { Rejection } from './rejection.js'

/** A verifier's judgement of one resource. */
export interface Verdict {
  /** The resource judged. */
  readonly resource: Resource
  /** Whether the resource may be used. */
  readonly trusted: boolean
  /**
   * Who vouches for it, when trusted: a provider's address (`0x...`) for the
   * registry, `user` for the user's own allow-list.
   */
  readonly provider?: string
  /**
   * Why, in words a person can read, e.g. `registered by trusted provider 0xAb..`
   * or `registry: registered only by untrusted provider 0xCd..`.
   */
  readonly reason: string
  /**
   * When untrusted: why, for a program to branch on (its `code`, and the
   * providers concerned). Absent from trusted verdicts, and from
   * rejections of verifiers that do not classify theirs.
   */
  readonly rejection?: Rejection
  /** The name of the verifier that decided. */
  readonly verifier: string
  /** The chain block the verdict reflects, when the verifier reads a chain index (the index's synced block). */
  readonly block?: number
  /**
   * Whether the verdict comes from a saved state not yet checked against its
   * source (the registry index snapshot of an earlier run, at `block`). Given
   * only to callers that accept it ({@link VerifyOptions.provisional}); the
   * verifier reports a change through `onChange` once it has checked, so a
   * watch verifies again and a server revoked meanwhile leaves the selection.
   */
  readonly provisional?: boolean
}

/** A verdict that trusts its resource, naming who vouches for it. */
export interface TrustedVerdict extends Verdict {
  readonly trusted: true
  readonly provider: string
}

/** Whether `verdict` trusts its resource. */
export function isTrusted (verdict: Verdict): verdict is TrustedVerdict {
  return verdict.trusted && typeof verdict.provider === 'string'
}
