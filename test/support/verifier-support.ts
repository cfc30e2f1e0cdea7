/**
 * Helpers of the registry verifier tests (registry, chain faults, impersonation): a registry verifier on
 * the scenario's proxy, waiting for its events, and measured figures.
 */
import { RegistryVerifier, type RegistryVerifierInit, type Resource, type ResourceKind, type Verdict } from '@resource-discovery/core'
import { waitUntil as pollUntil } from '@resource-discovery/testkit'
import { mail, type RegistryScenario } from './registry-scenario.js'

/** How often the verifiers under test poll the chain (ms). */
export const POLL_INTERVAL_MS = 50

/** Registry verifiers made by a test, stopped together. */
export class Verifiers {
  readonly #scenario: () => RegistryScenario
  readonly #made: RegistryVerifier[] = []

  constructor (scenario: () => RegistryScenario) {
    this.#scenario = scenario
  }

  /** A verifier of the scenario's registry, through its proxy, trusting alice. */
  make (init: RegistryVerifierInit = {}): RegistryVerifier {
    const scenario = this.#scenario()
    const verifier = new RegistryVerifier({
      rpcUrl: scenario.proxy.url,
      registryAddress: scenario.registry.address,
      defaultProvider: scenario.alice.address,
      pollIntervalMs: POLL_INTERVAL_MS,
      rpcTimeoutMs: 500,
      ...init
    })
    this.#made.push(verifier)
    return verifier
  }

  async stopAll (): Promise<void> {
    await Promise.all(this.#made.splice(0).map(async (verifier) => { await verifier.stop() }))
  }
}

/** The one verdict of `resource`. */
export async function verdictOf (verifier: RegistryVerifier, resource: Resource, kind: ResourceKind = mail): Promise<Verdict> {
  const [verdict] = await verifier.verify(kind, [resource])
  if (verdict === undefined) {
    throw new Error('no verdict')
  }
  return verdict
}

export interface SyncDetail { readonly head: number, readonly events: readonly unknown[], readonly reorg: boolean }

/** Resolves with the next `registry:synced` event of `verifier` that `accept` takes. */
export async function nextSync (verifier: RegistryVerifier, accept: (detail: SyncDetail) => boolean = () => true, timeoutMs = 5000): Promise<SyncDetail> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      verifier.removeEventListener('registry:synced', listener)
      reject(new Error('timed out waiting for a registry sync'))
    }, timeoutMs)
    const listener = (event: CustomEvent<SyncDetail>): void => {
      if (accept(event.detail)) {
        clearTimeout(timer)
        verifier.removeEventListener('registry:synced', listener)
        resolve(event.detail)
      }
    }
    verifier.addEventListener('registry:synced', listener)
  })
}

/** Polls `condition` every 10 ms until it holds; returns the ms it took (the testkit's `waitUntil`, in this suite's argument order). */
export async function waitUntil (condition: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'a condition'): Promise<number> {
  return pollUntil(condition, what, timeoutMs)
}

export const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/**
 * Records a measured figure for docs/SECURITY.md; printed when
 * RDISC_FIGURES=1 (kept quiet in `npm test`).
 */
export function figure (name: string, value: number, unit = 'ms'): void {
  if (process.env.RDISC_FIGURES === '1') {
    process.stdout.write(`      figure: ${name} = ${value} ${unit}\n`)
  }
}
