/**
 * Polling until a condition holds, for state that announces itself by no
 * event (a table filled, a file written, a counter reached).
 */

/**
 * Resolves with the milliseconds it took once `condition()` holds, checking
 * every `intervalMs`; rejects with an error naming `what` after `timeoutMs`.
 * `condition` may be async; it is never run twice at once.
 *
 * @example
 * ```ts
 * await waitUntil(() => peers.length === 2, 'both peers are discovered')
 * ```
 */
export async function waitUntil (
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
  intervalMs = 10
): Promise<number> {
  const started = Date.now()
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`)
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
  return Date.now() - started
}
