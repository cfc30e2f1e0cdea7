import { expect } from 'chai'

/** Asserts that `action` rejects with an error named `AbortError`. */
export async function expectAbortError (action: () => Promise<unknown>): Promise<void> {
  let caught: unknown
  try {
    await action()
  } catch (err) {
    caught = err
  }
  expect(caught, 'expected an AbortError to be thrown').to.be.instanceOf(Error)
  expect((caught as Error).name).to.equal('AbortError')
}
