/**
 * Asserting that a promise rejects, or a function throws, and getting the
 * error, so a test can check its class, name and fields.
 */
import { expect } from 'chai'

/** A class of errors, as `instanceof` takes it. */
export type ErrorClass<E> = abstract new (...args: never[]) => E

/**
 * The reason `promise` rejects with; with `type`, also asserts it is an
 * instance of that class and returns it typed. Throws an `AssertionError`
 * when the promise resolves instead.
 *
 * @example
 * ```ts
 * const err = await rejection(client.find('mailserver'), NoVerifiedResourceError)
 * expect(err.kind).to.equal('mailserver')
 * ```
 */
export async function rejection (promise: Promise<unknown>): Promise<unknown>
export async function rejection<E> (promise: Promise<unknown>, type: ErrorClass<E>): Promise<E>
export async function rejection<E> (promise: Promise<unknown>, type?: ErrorClass<E>): Promise<unknown> {
  let value: unknown
  try {
    value = await promise
  } catch (err) {
    return checked(err, type)
  }
  expect.fail(`expected a rejection${type === undefined ? '' : ` with ${type.name}`}, but the promise resolved with ${describe(value)}`)
}

/**
 * What `action` throws; with `type`, also asserts it is an instance of that
 * class and returns it typed. Throws an `AssertionError` when `action`
 * returns instead.
 *
 * @example
 * ```ts
 * const err = thrown(() => decodeEnr('enr:-bad'), InvalidEnrError)
 * ```
 */
export function thrown (action: () => unknown): unknown
export function thrown<E> (action: () => unknown, type: ErrorClass<E>): E
export function thrown<E> (action: () => unknown, type?: ErrorClass<E>): unknown {
  let value: unknown
  try {
    value = action()
  } catch (err) {
    return checked(err, type)
  }
  expect.fail(`expected a throw${type === undefined ? '' : ` of ${type.name}`}, but it returned ${describe(value)}`)
}

function checked<E> (err: unknown, type: ErrorClass<E> | undefined): unknown {
  if (type !== undefined) {
    expect(err).to.be.instanceOf(type)
  }
  return err
}

function describe (value: unknown): string {
  if (value === undefined) return 'undefined'
  try {
    const text = JSON.stringify(value, (_key, item: unknown) => typeof item === 'bigint' ? `${item}n` : item)
    return text.length > 200 ? `${text.slice(0, 200)}...` : text
  } catch {
    return Object.prototype.toString.call(value)
  }
}
