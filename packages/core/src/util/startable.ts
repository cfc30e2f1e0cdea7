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
