/**
 * How a compliance suite gets the implementation under test: `setup()` builds
 * it (with whatever real parts it needs) before each test, `teardown()`
 * releases them after.
 */
export interface TestSetup<T> {
  setup: () => Promise<T>
  teardown: (context: T) => Promise<void>
}
