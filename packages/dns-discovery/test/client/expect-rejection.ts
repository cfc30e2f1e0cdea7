import { expect } from 'chai'

/** Awaits `promise`, expects it to reject with an instance of `type`, and returns the error, typed. */
export async function expectRejection<E extends Error> (promise: Promise<unknown>, type: abstract new (...args: never[]) => E): Promise<E> {
  try {
    await promise
  } catch (err) {
    expect(err).to.be.instanceOf(type)
    return err as E
  }
  expect.fail(`expected a rejection with ${type.name}`)
}

/** Expects `value` to be an instance of `type`, and returns it, typed. */
export function expectInstanceOf<T> (value: unknown, type: abstract new (...args: never[]) => T): T {
  expect(value).to.be.instanceOf(type)
  return value as T
}
