/** A long-lived service. Both methods are idempotent; `stop()` leaves no timer or socket behind. */
export interface Startable {
  start: () => Promise<void>
  stop: () => Promise<void>
}

/** Whether `value` has `start()` and `stop()` methods. */
export function isStartable (value: unknown): value is Startable {
  return typeof value === 'object' && value !== null &&
    typeof (value as Partial<Startable>).start === 'function' &&
    typeof (value as Partial<Startable>).stop === 'function'
}

/** Starts every startable of `values`, in order. */
export async function startAll (values: Iterable<unknown>): Promise<void> {
  for (const value of values) {
    if (isStartable(value)) {
      await value.start()
    }
  }
}

/**
 * Starts every startable of `values` at once; if one fails, stops those
 * that started and throws the first failure.
 */
export async function startTogether (values: Iterable<unknown>): Promise<void> {
  const startables = [...values].filter(isStartable)
  const results = await Promise.allSettled(startables.map(async (value) => { await value.start() }))
  const failed = results.find((result) => result.status === 'rejected')
  if (failed === undefined) {
    return
  }
  await stopAll(startables.filter((_value, index) => results[index]?.status === 'fulfilled')).catch(() => {})
  throw failed.reason
}

/** Stops every startable of `values`, in reverse order, even if one fails; then throws what failed. */
export async function stopAll (values: Iterable<unknown>): Promise<void> {
  const failures: unknown[] = []
  for (const value of [...values].reverse()) {
    if (isStartable(value)) {
      try {
        await value.stop()
      } catch (err) {
        failures.push(err)
      }
    }
  }
  const [first] = failures
  if (failures.length === 1 && first instanceof Error) {
    throw first
  }
  if (failures.length > 0) {
    throw new AggregateError(failures, 'Some services failed to stop')
  }
}
