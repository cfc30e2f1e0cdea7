import { expect } from 'chai'

/** Expects `value` to be an instance of `type`, and returns it, typed. */
export function expectInstanceOf<T> (value: unknown, type: abstract new (...args: never[]) => T): T {
  expect(value).to.be.instanceOf(type)
  return value as T
}
