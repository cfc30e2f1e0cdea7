/**
 * A value the page asks the daemon for: loading until the first answer,
 * then loaded, or failed (keeping the last value it had, if any, so the page
 * can show it as stale rather than blank).
 */
export type Loadable<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'loaded', readonly value: T, readonly at: number }
  | { readonly state: 'failed', readonly error: Error, readonly value: T | undefined, readonly at: number | undefined }

/** Nothing asked yet. */
export const LOADING: Loadable<never> = { state: 'loading' }

/** `value`, loaded now. */
export function loaded<T> (value: T): Loadable<T> {
  return { state: 'loaded', value, at: Date.now() }
}

/** `previous` after asking again failed with `error`. */
export function failed<T> (previous: Loadable<T>, error: Error): Loadable<T> {
  return previous.state === 'loading'
    ? { state: 'failed', error, value: undefined, at: undefined }
    : { state: 'failed', error, value: previous.value, at: previous.at }
}

/** The last value known, if any. */
export function valueOf<T> (loadable: Loadable<T>): T | undefined {
  return loadable.state === 'loading' ? undefined : loadable.value
}
