/** What {@link listenForShutdown} returns. */
export interface ShutdownListener {
  /** Aborted on the first SIGINT or SIGTERM, with the signal's name as reason. */
  readonly signal: AbortSignal
  /** Removes the signal handlers. */
  readonly dispose: () => void
}

/**
 * Turns the first SIGINT or SIGTERM into an aborted signal, so a command can
 * stop what it runs and return; a second one calls `forceExit`, which ends the
 * process at once, for a stop that hangs.
 */
export function listenForShutdown (forceExit: (signal: NodeJS.Signals) => void): ShutdownListener {
  const controller = new AbortController()
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      forceExit(signal)
      return
    }
    controller.abort(Object.assign(new Error(`Interrupted by ${signal}`), { name: 'AbortError', code: signal }))
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}

/** Resolves when `signal` aborts (at once if it already did). */
export async function waitForAbort (signal: AbortSignal): Promise<void> {
  if (signal.aborted) {
    return
  }
  await new Promise<void>((resolve) => {
    signal.addEventListener('abort', () => { resolve() }, { once: true })
  })
}
